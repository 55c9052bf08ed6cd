/**
 * Property test over every fixture and every code action offered on it:
 * - applying the edit gives a file that parses (no syntax errors) and analyses with no new errors;
 * - a TypeScript file that type-checks under `tsc --strict` against the real @tensorflow/tfjs types
 *   still does after the edit (JavaScript: syntax only);
 * - inserted code spaces its object literals as the file does (`{ a: 1 }` / `{a: 1}`);
 * - a quick fix changes the model's params and MACs by exactly the saving it announces;
 * - a block refactor keeps every model and the inserted block's layers are analysed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { analyzeSource, type AnalysisResult, type TextEdit } from '../../server/src/engine';
import { diskHost } from '../../server/src/host/disk_host';
import { blockActions, blockKeeper } from '../../server/src/ide/actions';
import { callSiteGroups } from '../../server/src/ide/call_sites';
import { blockActionOf } from '../../protocol/lsp';
import { typeCheck, type Variant } from '../helpers/typecheck';

const dirs = ['../fixtures/models', '../fixtures/advice', '../../examples', '../fixtures/edits'].map((d) => resolve(__dirname, d));
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(ts|js)$/.test(f) && !f.startsWith('_')).map((f) => join(d, f)));

function apply(text: string, edits: TextEdit[]): string {
  const lines: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lines.push(i + 1);
  const off = (p: { line: number; character: number }) => lines[p.line]! + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => off(b.range.start) - off(a.range.start))) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}

function syntaxErrors(text: string, file: string): string[] {
  const r = ts.transpileModule(text, { fileName: file, reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  return (r.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const errors = (r: AnalysisResult) => r.diagnostics.filter((d) => d.severity === 'error').length;

/** Object literals opened with a space (`{ a`) and without (`{a`); `${` of template strings is not one. */
const braceStyle = (t: string) => ({ spaced: (t.match(/(?<!\$)\{ [A-Za-z_$'"]/g) ?? []).length, tight: (t.match(/(?<!\$)\{[A-Za-z_$'"]/g) ?? []).length });

let fixesChecked = 0;
let blocksChecked = 0;
/**
 * Edited texts to type-check, all in one TypeScript program at the end (a program costs ~0.4 s,
 * each file in it ~30 ms). An edit written the same way as one already queued — the same text once
 * the replaced layer expression is elided and numbers are blanked, at another place of the same
 * file — is not queued again: it gives TypeScript nothing new to check.
 */
const variants: (Variant & { what: string })[] = [];
const written = new Set<string>();
function queue(file: string, text: string, edited: string, what: string, edits: TextEdit[]): void {
  const lines: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lines.push(i + 1);
  const off = (p: { line: number; character: number }) => lines[p.line]! + p.character;
  const form = edits
    .map((e) => {
      const replaced = text.slice(off(e.range.start), off(e.range.end));
      return (replaced ? e.newText.split(replaced).join('«»') : e.newText).replace(/\d+/g, '#');
    })
    .join('\u0000');
  const key = `${file}\u0000${form}`;
  if (written.has(key)) return;
  written.add(key);
  variants.push({ file, text: edited, what });
}

for (const file of files) {
  test(`code actions on ${file.split('/').slice(-2).join('/')}`, () => {
    const text = readFileSync(file, 'utf8');
    const before = analyzeSource(text, file, diskHost, { advice: true });
    const totals = new Map(before.models.map((m) => [m.report.name, m.report]));
    variants.push({ file, text, what: `${file}: the fixture itself` });
    const fileBraces = braceStyle(text);
    const checkStyle = (what: string, edits: TextEdit[]) => {
      const inserted = braceStyle(edits.map((e) => e.newText).join('\n'));
      if (fileBraces.spaced > fileBraces.tight) assert.equal(inserted.tight, 0, `${what}: {tight} braces in a { spaced } file`);
      if (fileBraces.tight > fileBraces.spaced) assert.equal(inserted.spaced, 0, `${what}: { spaced } braces in a {tight} file`);
    };
    for (const f of before.findings ?? []) {
      if (!f.fix) continue;
      const edited = apply(text, f.fix.edits);
      queue(file, text, edited, `${file}: ${f.fix.title}`, f.fix.edits);
      checkStyle(f.fix.title, f.fix.edits);
      assert.deepEqual(syntaxErrors(edited, file), [], `${f.fix.title}: syntax`);
      const after = analyzeSource(edited, file, diskHost);
      assert.equal(errors(after), errors(before), `${f.fix.title}: new errors ${JSON.stringify(after.diagnostics.filter((d) => d.severity === 'error'))}`);
      const was = totals.get(f.model)!;
      const now = after.models.find((m) => m.report.name === f.model)!.report;
      assert.equal(was.totalParams! - now.totalParams!, f.fix.saving.params, `${f.fix.title}: params`);
      assert.equal(was.macs! - now.macs!, f.fix.saving.macs, `${f.fix.title}: MACs`);
      fixesChecked++;
    }
    // Block refactors at up to six places of each kind spread over the file: layer calls, places a
    // layer made elsewhere is used (list entries), and helper calls returning a tensor.
    const spread = <T>(xs: T[]) => xs.filter((_, i) => i % Math.max(1, Math.floor(xs.length / 6)) === 0);
    const places = [
      ...spread(callSiteGroups(before).filter((g) => g.instances[0]!.layer.outputShape.length === 4).map((g) => g.range)),
      ...spread(before.models.flatMap((m) => m.report.layers.filter((l) => l.useFile === file && l.outputShape.length === 4).map((l) => l.useRange))),
      ...spread(before.models.flatMap((m) => m.graph.groups.filter((gr) => gr.range && gr.file === file).map((gr) => gr.range!))),
    ];
    for (const range of places) {
      const g = { range };
      const keep = blockKeeper(before, (t) => analyzeSource(t, file, diskHost));
      for (const a of blockActions(before, text, g.range, keep)) {
        const edited = apply(text, a.edits);
        queue(file, text, edited, `${file}: ${a.title} at line ${g.range.start.line + 1}`, a.edits);
        checkStyle(a.title, a.edits);
        assert.deepEqual(syntaxErrors(edited, file), [], `${a.title} at line ${g.range.start.line + 1}: syntax`);
        const after = analyzeSource(edited, file, diskHost);
        const newErrors = after.diagnostics.filter((d) => d.severity === 'error');
        assert.equal(newErrors.length, errors(before), `${a.title} at line ${g.range.start.line + 1}: ${newErrors.map((d) => d.message).join('; ')}\n${edited}`);
        for (const m of before.models) assert.ok(after.models.some((x) => x.report.name === m.report.name), `${a.title}: model ${m.report.name} still analysed`);
        const grew = after.models.some((m) => m.report.layers.length > (totals.get(m.report.name)?.layers.length ?? Infinity));
        assert.ok(grew || blockActionOf(a.kind) === 'wrap-residual', `${a.title}: the block adds layers`);
        // The kind names the block (the client's Insert Block… picks by it, never by the title).
        assert.ok(blockActionOf(a.kind), `${a.title}: kind ${a.kind} names no block`);
        blocksChecked++;
      }
    }
  });
}

test('every fixture type-checks under tsc --strict against @tensorflow/tfjs, and still does after each edit', () => {
  const t0 = performance.now();
  const typeErrors = typeCheck(variants);
  for (const [i, v] of variants.entries()) assert.deepEqual(typeErrors[i], [], `${v.what}: type errors\n${v.text}`);
  console.log(`type-checked ${variants.length} files (${files.length} fixtures and the distinct edits) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

test('summary', () => {
  console.log(`checked ${fixesChecked} quick fixes and ${blocksChecked} block refactors`);
  assert.ok(fixesChecked > 5 && blocksChecked > 50 && variants.length > files.length + fixesChecked);
});
