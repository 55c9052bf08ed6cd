/**
 * The CLI starts at once: --help and --version load none of the command bundles, typescript or
 * elkjs; profile loads typescript but not elkjs; and the compile cache (Node 20: V8 code cache on
 * disk) gives the same output, survives a corrupt entry, and is off with CONVLENS_NO_COMPILE_CACHE.
 * Timings are in `npm run bench -- cli`, not here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const REPORT = join(ROOT, 'test/helpers/process_report.cjs');

function run(args: string[], env: Record<string, string> = {}): { stdout: string; status: number | null; modules: string[] } {
  const r = spawnSync(process.execPath, ['-r', REPORT, CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  const line = r.stderr.split('\n').find((l) => l.startsWith('@@convlens-process '));
  assert.ok(line, r.stderr);
  return { stdout: r.stdout, status: r.status, modules: (JSON.parse(line.slice('@@convlens-process '.length)) as { modules: string[] }).modules };
}

const loaded = (mods: string[], what: RegExp) => mods.filter((m) => what.test(m));

describe('convlens starts at once', () => {
  test('--version and --help load nothing but the entry', () => {
    for (const args of [['--version'], ['--help'], []]) {
      const r = run(args);
      assert.deepEqual(r.modules.map((m) => m.replace(ROOT, '')), ['/test/helpers/process_report.cjs', '/dist/cli.js'], args.join(' '));
    }
    assert.match(run(['--version']).stdout, /^\d+\.\d+\.\d+\n$/);
  });

  test('each bundle binds typescript once, unwrapped (a wrap per importing file copied its thousands of exports each time)', () => {
    for (const bundle of ['dist/cli_analysis.js', 'dist/engine.js', 'dist/server.js']) {
      const code = readFileSync(join(ROOT, bundle), 'utf8');
      assert.equal((code.match(/__toESM\((require\("typescript"\)|require_typescript\(\))/g) ?? []).length, 0, bundle);
      assert.equal((code.match(/= (require\("typescript"\)|require_typescript\(\));/g) ?? []).length, 1, bundle);
    }
  });

  test('profile loads typescript and the analysis bundle, not elkjs or the runtime', () => {
    const r = run(['profile', 'examples/vgg16.ts', '--json'], { CONVLENS_NO_COMPILE_CACHE: '1' });
    assert.equal(r.status, 0);
    assert.equal(loaded(r.modules, /typescript\.js$/).length, 1);
    assert.equal(loaded(r.modules, /cli_analysis\.js$/).length, 1);
    assert.deepEqual(loaded(r.modules, /elk|cli_view|cli_check|tensorflow/), []);
  });

  test('the compile cache gives the same output, fills once, and survives a corrupt entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convlens-cc-'));
    const args = ['profile', 'examples/vgg16.ts', '--json'];
    const plain = run(args, { CONVLENS_NO_COMPILE_CACHE: '1' }).stdout;
    const first = run(args, { CONVLENS_CACHE_DIR: dir });
    const entries = () => readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.bin'));
    // Node 22+ keeps its own layout in the folder; Node 20 writes one entry per module.
    if (!process.version.startsWith('v20') && !process.version.startsWith('v21')) return;
    assert.equal(entries().length, 2, 'typescript and the analysis bundle');
    const second = run(args, { CONVLENS_CACHE_DIR: dir });
    for (const f of entries()) writeFileSync(join(dir, f), 'not a code cache');
    const corrupt = run(args, { CONVLENS_CACHE_DIR: dir });
    assert.equal(first.stdout, plain);
    assert.equal(second.stdout, plain);
    assert.equal(corrupt.stdout, plain);
    assert.equal(corrupt.status, 0);
  });
});

describe('profile and lint answer on the main thread, as the 64 MB thread would', () => {
  const cli = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  const both = (args: string[]) => [cli(args), cli(args, { CONVLENS_CLI_THREAD: '1' })] as const;

  test('the same output and exit status on models, broken files and several files at once', () => {
    const broken = readdirSync(join(ROOT, 'test/fixtures/broken')).filter((f) => f.endsWith('.ts')).slice(0, 6).map((f) => `test/fixtures/broken/${f}`);
    for (const args of [['profile', 'examples/vgg16.ts', '--json'], ['profile', 'test/fixtures/models/densenet121.ts'], ['lint', ...broken], ['lint', '--json', ...broken]]) {
      const [main, thread] = both(args);
      assert.equal(main.stdout, thread.stdout, args.join(' '));
      assert.equal(main.stderr, thread.stderr, args.join(' '));
      assert.equal(main.status, thread.status, args.join(' '));
    }
  });

  test('a file nested too deeply for the main thread is answered by the thread (the stack overflow is not the answer)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convlens-deep-'));
    const file = join(dir, 'deep.ts');
    writeFileSync(file, `import * as tf from '@tensorflow/tfjs';\nconst a = ${'('.repeat(3000)}1${')'.repeat(3000)};\nexport function build() {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: 2, inputShape: [a] }));\n  return m;\n}\n`);
    const [main, thread] = both(['profile', file, '--json']);
    assert.equal(main.status, 0, main.stderr);
    assert.equal(main.stdout, thread.stdout);
    const report = JSON.parse(main.stdout) as { models: { totalParams: number | null }[] };
    assert.equal(report.models[0]?.totalParams, 4, 'the builder after the deep line is analysed in full');
  });
});
