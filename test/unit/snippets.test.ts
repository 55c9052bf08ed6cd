/**
 * Every contributed snippet, expanded with its defaults, is code the engine analyses with no
 * errors and that type-checks under `tsc --strict` against the real @tensorflow/tfjs types:
 * builders stand alone; block helpers are called from a small model and must add layers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { analyzeSource } from '../../server/src/engine';
import { typeCheck } from '../helpers/typecheck';

const snippets = JSON.parse(readFileSync(resolve(__dirname, '../../snippets/convlens.code-snippets'), 'utf8')) as Record<string, { prefix: string; body: string[] }>;

/** Expand a snippet body the way VS Code does when every placeholder keeps its default. */
function expand(body: string[]): string {
  let s = body.join('\n');
  for (let i = 0; i < 5; i++) s = s.replace(/\$\{\d+:([^{}]*)\}/g, '$1');
  return s.replace(/\$\{\d+\}|\$\d+/g, '');
}

const header = "import * as tf from '@tensorflow/tfjs';\n";

function hosted(code: string): string {
  const fn = /function (\w+)/.exec(code)![1]!;
  return /tf\.sequential\(|tf\.model\(/.test(code)
    ? header + code
    : `${header}${code}\n\nexport function host(): tf.LayersModel {\n  const input = tf.input({ shape: [32, 32, 192] });\n  const out = ${fn}(input);\n  return tf.model({ inputs: input, outputs: out });\n}\n`;
}

test('every snippet type-checks under tsc --strict against @tensorflow/tfjs', () => {
  const entries = Object.entries(snippets);
  const errors = typeCheck(entries.map(([name]) => ({ file: resolve(__dirname, `snippet_${name.replace(/\W+/g, '_')}.ts`), text: hosted(expand(snippets[name]!.body)) })));
  for (const [i, [name]] of entries.entries()) assert.deepEqual(errors[i], [], `snippet "${name}"`);
});

for (const [name, snip] of Object.entries(snippets)) {
  test(`snippet "${name}" (${snip.prefix}) expands to code the engine analyses without errors`, () => {
    const code = expand(snip.body);
    const fn = /function (\w+)/.exec(code)![1]!;
    const isBuilder = /tf\.sequential\(|tf\.model\(/.test(code);
    const text = hosted(code);
    const syntax = ts.transpileModule(text, { reportDiagnostics: true, fileName: 'x.ts' }).diagnostics ?? [];
    assert.deepEqual(syntax.map((d) => d.messageText), [], 'parses');
    const r = analyzeSource(text, '/snippet.ts');
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
    const model = r.models.find((m) => m.report.name === (isBuilder ? fn : 'host'));
    assert.ok(model, `model built from ${name}`);
    assert.ok(model.report.layers.length >= (isBuilder ? 5 : 2), `${name}: ${model.report.layers.length} layers`);
    assert.ok(model.report.totalParams! > 0);
  });
}
