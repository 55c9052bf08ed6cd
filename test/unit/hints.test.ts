/**
 * Inlay hint labels on every fixture: a number is never shown without its unit (`· 256–8.19k`
 * followed by the code's `as tf.SymbolicTensor` read as part of it), and labels fit VS Code's
 * default inlay-hint length.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeSource } from '../../server/src/engine';
import { diskHost } from '../../server/src/host/disk_host';
import { inlayHints, MAX_HINT } from '../../server/src/ide/hints';

const dirs = ['../fixtures/models', '../../examples', '../fixtures/advice'].map((d) => resolve(__dirname, d));
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(ts|js)$/.test(f)).map((f) => join(d, f)));

test('every hint segment after the shape carries its unit, and fits', () => {
  let multi = 0;
  let total = 0;
  for (const file of files) {
    const r = analyzeSource(readFileSync(file, 'utf8'), file, diskHost);
    for (const opts of [{ shape: true, params: true, macs: false }, { shape: true, params: true, macs: true }, { shape: false, params: true, macs: true }]) {
      for (const h of inlayHints(r, opts)) {
        total++;
        const parts = h.label.split(' · ');
        const rest = opts.shape || /^×\d+$/.test(parts[0]!) ? parts.slice(1) : parts;
        for (const p of rest) assert.match(p, /(params|MACs)$/, `${file.split('/').pop()}: "${h.label}"`);
        if (h.label.includes('(×')) multi++;
        assert.ok(h.label.length <= MAX_HINT || !h.label.includes(' · '), `"${h.label}" is ${h.label.length} characters`);
      }
    }
  }
  assert.ok(multi > 20, `${multi} multi-instance hints among ${total}`);
});

test('a helper called with many shapes: the shape range shortens before the params lose their word', () => {
  // VGG16's conv factory builds 12 of its convs (36.9k to 2.36M params, 224×224×64 to 14×14×512):
  // the full range with the word 'params' is 48 characters, more than VS Code shows.
  const file = resolve(__dirname, '../fixtures/models/vgg16.ts');
  const r = analyzeSource(readFileSync(file, 'utf8'), file, diskHost);
  const labels = inlayHints(r, { shape: true, params: true, macs: false }).map((h) => h.label);
  const conv = labels.find((l) => l.includes('(×12)'));
  assert.ok(conv, labels.join(' | '));
  assert.equal(conv, '→ …14×14×512 (×12) · 36.9k–2.36M params');
});
