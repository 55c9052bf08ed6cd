/**
 * Issue 12: hostile and huge inputs. What the analysis may read (item 1), advice staying linear
 * (item 3), odd input to the CLI (item 4), settings (item 5), output hygiene (item 6) and the
 * panel's reveal (item 7). The CLI is the built one (dist/cli.js), run as a user runs it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isRefusal, readConfined, refuseByName } from '../../server/src/host/confine';
import { diskHostFor } from '../../server/src/host/disk_host';
import { analyzeSource } from '../../server/src/engine';
import { adviseResult } from '../../server/src/engine/analyze';
import { EAGER_PER_FILE, fixPending } from '../../server/src/engine/advice';
import { readSettings } from '../../server/src/lsp/settings';
import { SETTINGS } from '../../protocol/settings';
import { URI } from '../../server/src/lsp/uri';
import { terminalSafe } from '../../server/src/cli/terminal';
import { RevealGuard } from '../../client/src/reveal_guard';
import { conv5x5Stack, denseStack } from '../helpers/generated_models';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'convlens-hostile-'));
const ws = join(tmp, 'ws');
const SECRET = 'sk-live-5ecret-7oken';
mkdirSync(join(ws, 'sub'), { recursive: true });
mkdirSync(join(tmp, 'secret'));
writeFileSync(join(tmp, 'secret/.env.js'), `API_TOKEN = "${SECRET}"; export const units = 3;\n`);
writeFileSync(join(ws, 'big.js'), `export const x = '${'a'.repeat(1100 * 1024)}';\n`);
writeFileSync(join(ws, 'blob.js'), Buffer.from([0x65, 0x78, 0x00, 0x01, 0x02]));
writeFileSync(join(ws, 'units.ts'), 'export const units = 7;\n');
symlinkSync('/etc/hostname', join(ws, 'host.js'));
const fifo = join(ws, 'pipe.js');
const haveFifo = spawnSync('mkfifo', [fifo]).status === 0;
const MODEL = `import * as tf from '@tensorflow/tfjs';
import z from '../../../../../../../../../dev/zero.js';
import p from '../pipe.js';
import s from '../../secret/.env.js';
import h from '../host.js';
import b from '../big.js';
import o from '../blob.js';
import { units } from '../units';
export function build() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units, inputShape: [4], name: 'head' }));
  return m;
}
`;
writeFileSync(join(ws, 'sub/m.ts'), MODEL);

after(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], cwd = tmp): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// ---------------------------------------------------------------- item 1: confinement

test('confine: FIFOs, devices, folders, links out, big and binary files are refused with a reason; a plain file below the root is read', { skip: process.platform === 'win32' }, () => {
  const policy = { roots: [ws] };
  if (haveFifo) assert.match((readConfined(fifo, policy) as { refused: string }).refused, /named pipe \(FIFO\), not a regular file/);
  assert.match((readConfined('/dev/zero.js', policy) as { refused: string }).refused, /is outside/);
  assert.match((readConfined('/dev/zero', { roots: ['/dev'], extensions: [''] }) as { refused: string }).refused, /is a device/);
  assert.match((readConfined(join(ws, 'host.js'), policy) as { refused: string }).refused, /links to \/etc\/hostname/);
  assert.match((readConfined(join(ws, 'big.js'), policy) as { refused: string }).refused, /1\.1 MB; ConvLens reads files up to 1\.0 MB/);
  assert.match((readConfined(join(ws, 'blob.js'), policy) as { refused: string }).refused, /binary data/);
  assert.match((readConfined(join(ws, 'sub'), { roots: [ws], extensions: [''] }) as { refused: string }).refused, /a folder/);
  assert.match((readConfined(join(tmp, 'secret/.env.js'), policy) as { refused: string }).refused, /outside/);
  assert.equal(readConfined(join(ws, 'nope.ts'), policy), undefined);
  assert.equal(readConfined(join(ws, 'units.ts'), policy), 'export const units = 7;\n');
  // An open document (no disk access) is held to the same root and extensions.
  assert.ok(isRefusal(refuseByName(join(tmp, 'secret/.env.js'), policy)));
  assert.equal(refuseByName(join(ws, 'units.ts'), policy), undefined);
  assert.match(refuseByName(join(ws, 'x.ts'), { roots: [] })!.refused, /not saved in a folder/);
});

test('engine: each refused import is an unresolved-import diagnostic saying why, and the secret goes nowhere', () => {
  const file = join(ws, 'sub/m.ts');
  const r = analyzeSource(MODEL, file, diskHostFor(file, ws));
  const why = r.diagnostics.filter((d) => d.code === 'unresolved-import').map((d) => d.message);
  assert.equal(why.length, haveFifo ? 6 : 5, why.join('\n'));
  assert.ok(why.some((m) => /dev\/zero\.js.*is outside --root/.test(m)));
  if (haveFifo) assert.ok(why.some((m) => /pipe\.js.*named pipe/.test(m)));
  assert.ok(why.some((m) => /\.env\.js.*is outside --root/.test(m)));
  assert.ok(why.some((m) => /host\.js.*links to/.test(m)));
  assert.ok(why.some((m) => /big\.js.*1\.1 MB/.test(m)));
  // The allowed import was read: units = 7.
  assert.equal(r.models[0]!.report.totalParams, 4 * 7 + 7);
  assert.doesNotMatch(JSON.stringify(r), new RegExp(SECRET));
});

test('CLI: the probes of item 1 end promptly with reasons; the secret is not in profile --json nor in view', { skip: process.platform === 'win32' }, () => {
  const lint = run(['lint', join(ws, 'sub/m.ts')]);
  assert.equal(lint.code, 0, lint.err);
  assert.match(lint.out, /pipe\.js.*outside the folder of m\.ts .*widen it with --root/);
  const prof = run(['profile', '--json', '--root', ws, join(ws, 'sub/m.ts')]);
  assert.equal(prof.code, 0, prof.err);
  assert.doesNotMatch(prof.out + prof.err, new RegExp(SECRET));
  const html = join(tmp, 'm.html');
  assert.equal(run(['view', '--root', tmp, join(ws, 'sub/m.ts'), '--out', html]).code, 0);
  // With --root over the secret's folder it may be read (the user widened the root); the page
  // must still not carry it: the analysis reports shapes, not the values of other modules.
  assert.doesNotMatch(readFileSync(html, 'utf8'), new RegExp(SECRET));
  assert.equal(run(['lint', '--root', join(tmp, 'nope'), join(ws, 'sub/m.ts')]).code, 2);
});

// ---------------------------------------------------------------- item 3: advice

test('advice: a bounded number of re-analyses whatever the model size (linear), every finding still reported', () => {
  for (const [name, gen] of [
    ['dense', denseStack],
    ['conv5x5', conv5x5Stack],
  ] as const) {
    const counts: number[] = [];
    for (const n of [60, 300]) {
      const text = gen(n);
      const result = analyzeSource(text, '/m.ts');
      let reanalyses = 0;
      const findings = adviseResult(result, text, (t) => (reanalyses++, analyzeSource(t, '/m.ts')));
      for (const f of findings) void f.fix; // read every fix, as `lint` does
      counts.push(reanalyses);
      if (name === 'dense') {
        // Every layer but the last feeds another with no activation: all of them reported, with fixes.
        assert.equal(findings.filter((f) => f.diagnostic.code === 'linear-stack').length, n - 1);
        assert.ok(findings.filter((f) => f.diagnostic.code === 'linear-stack').every((f) => f.fix && !fixPending(f)));
      } else {
        // The measured ones, and one finding that says how many more were not measured.
        const stack = findings.filter((f) => f.diagnostic.code === 'stack-3x3');
        assert.ok(stack.some((f) => /more layers? of build may call for stack-3x3/.test(f.diagnostic.message)), stack.map((f) => f.diagnostic.message).join('\n'));
      }
    }
    assert.equal(counts[0], counts[1], `${name}: re-analyses at N=60 and N=300: ${counts.join(', ')}`);
    assert.ok(counts[1]! <= EAGER_PER_FILE + 4, `${name}: ${counts[1]} re-analyses`);
  }
});

// ---------------------------------------------------------------- item 4: odd input to the CLI

test('CLI: 1,000-deep nesting analyses (no RangeError), one bad file does not stop lint, empty and binary input say so', () => {
  const n = 1000;
  const deep = {
    'paren.ts': `const a = ${'('.repeat(n)}1${')'.repeat(n)};\n`,
    'brack.ts': `const a = ${'['.repeat(n)}1${']'.repeat(n)};\n`,
    'call.ts': `function f(x: unknown) { return x; }\nconst a = ${'f('.repeat(n)}1${')'.repeat(n)};\n`,
    'obj.ts': `const a = ${'{a:'.repeat(n)}1${'}'.repeat(n)};\n`,
  };
  for (const [f, text] of Object.entries(deep)) writeFileSync(join(tmp, f), text);
  const r = run(['lint', ...Object.keys(deep)]);
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.err, /RangeError|internal error|\n\s+at /);
  assert.match(r.err, /no models in paren\.ts, brack\.ts, call\.ts, obj\.ts/);

  writeFileSync(join(tmp, 'empty.ts'), '');
  writeFileSync(join(tmp, 'bin.ts'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
  writeFileSync(join(tmp, 'good.ts'), readFileSync(join(root, 'test/fixtures/broken/add_mismatch.ts')));
  const mixed = run(['lint', 'bin.ts', 'empty.ts', 'good.ts']);
  assert.equal(mixed.code, 2, 'an unreadable file makes the exit status 2');
  assert.match(mixed.err, /cannot read bin\.ts: .*binary data/);
  assert.match(mixed.err, /no models in empty\.ts \(empty\)/);
  assert.match(mixed.out, /good\.ts:\d+:\d+: error: /, 'the file after the bad one is still checked');
});

test('CLI: layer names with terminal escapes are printed escaped', () => {
  writeFileSync(
    join(tmp, 'esc.ts'),
    "import * as tf from '@tensorflow/tfjs';\nexport function build() {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: 2, inputShape: [2], name: '\\u001b]0;PWNED\\u0007\\u009b31m\\u202e' }));\n  return m;\n}\n",
  );
  const r = run(['profile', 'esc.ts']);
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.out, /[\u001b\u0007\u009b\u202e]/);
  assert.match(r.out, /\\x1b\]0;PWNED\\x07\\x9b31m\\u202e \(Dense\)/);
  const j = run(['profile', '--json', 'esc.ts']);
  assert.doesNotMatch(j.out, /[\u001b\u0007\u009b\u202e]/);
  assert.equal(JSON.parse(j.out).models[0].layers[0].name, '\u001b]0;PWNED\u0007\u009b31m\u202e', 'JSON keeps the value, escaped');
  assert.equal(terminalSafe('a\tb\nc\u0000'), 'a\tb\nc\\x00');
});

// ---------------------------------------------------------------- item 6: view --out

test('view --out: replaces a symlink instead of writing through it; unwritable paths give a message, not a stack', { skip: process.platform === 'win32' }, () => {
  const victim = join(tmp, 'victim.txt');
  writeFileSync(victim, 'ORIGINAL');
  const link = join(tmp, 'arch.html');
  symlinkSync(victim, link);
  const model = join(root, 'test/fixtures/models/vgg16.ts');
  const r = run(['view', model, '--out', link]);
  assert.equal(r.code, 0, r.err);
  assert.equal(readFileSync(victim, 'utf8'), 'ORIGINAL', 'the link target was overwritten');
  assert.ok(!lstatSync(link).isSymbolicLink() && /<html/i.test(readFileSync(link, 'utf8')));
  const svgLink = join(tmp, 'arch.svg');
  symlinkSync(victim, svgLink);
  assert.equal(run(['view', model, '--out', svgLink]).code, 0);
  assert.equal(readFileSync(victim, 'utf8'), 'ORIGINAL');
  for (const bad of ['/proc/nope/a.html', join(tmp, 'missing-dir/a.svg')]) {
    const u = run(['view', model, '--out', bad]);
    assert.equal(u.code, 2, `${bad}: ${u.err}`);
    assert.match(u.err, /convlens: cannot write .*: the folder .* does not exist/);
    assert.doesNotMatch(u.err, /\n\s+at /);
  }
  mkdirSync(join(tmp, 'adir.html'));
  const d = run(['view', model, '--out', join(tmp, 'adir.html')]);
  assert.equal(d.code, 2);
  assert.match(d.err, /it is a folder/);
});

// ---------------------------------------------------------------- item 4 (LSP side) and 5

test('URIs: malformed percent escapes never throw', () => {
  for (const u of ['untitled:100%', 'file:///x/%E0%A4%A.ts', 'file:///x/%', 'untitled:%zz', '%', 'file://host/%ff%fe']) assert.equal(typeof URI.toPath(u), 'string', u);
  assert.equal(URI.toPath('untitled:100%'), '100%');
  assert.equal(URI.toPath('untitled:a%20b'), 'a b');
});

test('settings: maxSteps / debounceMs / timeoutMs are clamped, and maxSteps / timeoutMs restricted in untrusted workspaces', () => {
  const s = readSettings({ analysis: { maxSteps: 1e12, debounceMs: -5, timeoutMs: 2 ** 31 + 5 } });
  assert.equal(s.analysis.maxSteps, SETTINGS['analysis.maxSteps'].maximum);
  assert.equal(s.analysis.debounceMs, 0);
  assert.equal(s.analysis.timeoutMs, SETTINGS['analysis.timeoutMs'].maximum);
  assert.ok(s.analysis.timeoutMs <= 2 ** 31 - 1 && s.analysis.debounceMs <= 2 ** 31 - 1);
  assert.ok(SETTINGS['analysis.debounceMs'].maximum <= 2 ** 31 - 1);
  assert.equal(readSettings({ analysis: { timeoutMs: 1 } }).analysis.timeoutMs, 500);
  // (test/unit/manifest.test.ts holds package.json's ranges to protocol/settings.ts.)
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
  assert.ok(restricted.includes('convlens.analysis.maxSteps') && restricted.includes('convlens.analysis.timeoutMs'));
});

// ---------------------------------------------------------------- item 7: reveal

test('reveal: only files the analysis reported', () => {
  const g = new RevealGuard();
  g.reset('/w/net.ts');
  const model = join(root, 'test/fixtures/models/two_files_main.ts');
  const r = analyzeSource(readFileSync(model, 'utf8'), model, diskHostFor(model));
  g.learn({ models: r.models.map((m) => ({ report: m.report, graph: m.graph })), diagnostics: r.diagnostics });
  assert.ok(g.allows('/w/net.ts'));
  assert.ok(g.allows(model));
  assert.ok(g.allows(join(root, 'test/fixtures/models/_two_files_blocks.ts')), 'a helper module the layers point into');
  for (const p of ['/etc/passwd', '/w/other.ts', join(root, 'package.json')]) assert.equal(g.allows(p), false, p);
  g.learn({ type: 'gradients', layers: [{ file: '/w/trained.ts' }] });
  assert.ok(g.allows('/w/trained.ts'));
  g.reset('/w/b.ts');
  assert.equal(g.allows('/w/net.ts'), false);
});

