/**
 * The CLI starts at once: --help and --version load none of the command bundles, typescript or
 * elkjs; profile loads typescript but not elkjs; and the compile cache (Node 20: V8 code cache on
 * disk) gives the same output, survives a corrupt entry, and is off with CONVLENS_NO_COMPILE_CACHE.
 * Timings are in `npm run bench -- cli`, not here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
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
