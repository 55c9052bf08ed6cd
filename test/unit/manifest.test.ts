/**
 * The extension manifest and the code agree: every setting package.json contributes is the one
 * protocol/settings.ts declares (type, default, range, enum) and the server reads, values at the
 * edges of a range are kept (clamped, never replaced by the default), and every design rule has
 * its code in the `advice.severity` schema and in the README's rules table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SETTINGS, RULE_SEVERITIES, settingValue, type SettingKey, type SettingSpec } from '../../protocol/settings';
import { readSettings } from '../../server/src/lsp/settings';
import { RULES } from '../../server/src/engine/advice';

const ROOT = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Record<string, unknown>> } };
};
const props = pkg.contributes.configuration.properties;
const specs = SETTINGS as Record<string, SettingSpec>;

test('package.json contributes exactly the settings protocol/settings.ts declares, with the same type, default, range and enum', () => {
  const declared = Object.keys(specs).map((k) => `convlens.${k}`).sort();
  assert.deepEqual(Object.keys(props).sort(), declared);
  for (const [key, spec] of Object.entries(specs)) {
    const p = props[`convlens.${key}`]!;
    assert.equal(p.type, spec.type, `${key}: type`);
    assert.deepEqual(p.default, spec.default, `${key}: default`);
    assert.equal(p.minimum, spec.minimum, `${key}: minimum`);
    assert.equal(p.maximum, spec.maximum, `${key}: maximum`);
    assert.deepEqual(p.enum, spec.enum, `${key}: enum`);
    assert.ok(typeof p.description === 'string' || typeof p.markdownDescription === 'string', `${key}: a description`);
  }
});

test('the server reads every number setting it is sent within the manifest range, clamping outside it', () => {
  const server = (raw: unknown) => readSettings(raw) as unknown as Record<string, Record<string, unknown>>;
  for (const [key, spec] of Object.entries(specs)) {
    if (spec.type !== 'number') continue;
    const [group, name] = key.split('.') as [string, string];
    const sent = (v: unknown) => ({ [group]: { [name]: v } });
    const read = (v: unknown) => (key.startsWith('training.') ? settingValue(sent(v), key as SettingKey) : server(sent(v))[group]![name]);
    if (spec.minimum !== undefined) {
      assert.equal(read(spec.minimum), spec.minimum, `${key} = its minimum is kept`);
      assert.equal(read(spec.minimum - 1), spec.minimum, `${key} below its minimum is clamped`);
    }
    if (spec.maximum !== undefined) assert.equal(read(spec.maximum + 1), spec.maximum, `${key} above its maximum is clamped`);
    assert.equal(read('12'), spec.default, `${key}: a string is not a number`);
    assert.equal(read(Number.NaN), spec.default, `${key}: NaN`);
  }
  // The case that slipped through before: the manifest allows a debounce of 0.
  assert.equal(readSettings({ analysis: { debounceMs: 0 } }).analysis.debounceMs, 0);
  assert.equal(readSettings({ 'analysis.debounceMs': 0 }).analysis.debounceMs, 0);
});

test('the server reads booleans and enums as declared, and ignores wrong types', () => {
  const s = readSettings({ inlayHints: { enabled: false, macs: 'yes' }, advice: { severity: { 'gap-head': 'off', 'stack-3x3': 'loud' } } });
  assert.equal(s.inlayHints.enabled, false);
  assert.equal(s.inlayHints.macs, SETTINGS['inlayHints.macs'].default);
  assert.deepEqual(s.advice.severity, { 'gap-head': 'off' });
  assert.equal(settingValue({ training: { backend: 'tpu' } }, 'training.backend'), 'auto');
  assert.equal(settingValue({ training: { backend: 'wasm' } }, 'training.backend'), 'wasm');
});

test('every design rule has its code in the advice.severity schema and in the README table, and nothing else does', () => {
  const codes = RULES.map((r) => r.code).sort();
  const schema = props['convlens.advice.severity']!.properties as Record<string, { enum: string[] }>;
  assert.deepEqual(Object.keys(schema).sort(), codes);
  for (const [code, s] of Object.entries(schema)) assert.deepEqual(s.enum, [...RULE_SEVERITIES], `${code}: severities`);
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Design rules'));
  const table = section.slice(0, section.indexOf('\n\n'));
  const inReadme = [...table.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]!).sort();
  assert.deepEqual(inReadme, codes);
});
