/**
 * Seeded fuzzing of the built CLI (dist/cli.js): mutated fixtures and issue 12's probe files (a
 * FIFO import, /dev/zero, 1,000-deep nesting, binary and empty files, terminal escapes, a huge
 * line) linted together in one run and profiled one by one. Every run ends with an exit status of
 * 0, 1 or 2, no internal error or stack trace, no raw control character on the terminal, valid
 * JSON, and every file accounted for.
 *   CONVLENS_CLI_FUZZ_FILES (default 40), CONVLENS_FUZZ_SEED.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fuzzWorkspace } from '../helpers/fuzz_workspace';
import { mulberry32 } from '../helpers/prng';

const SEED = Number(process.env.CONVLENS_FUZZ_SEED ?? 20261130);
const FILES = Number(process.env.CONVLENS_CLI_FUZZ_FILES ?? 40);
const cli = resolve(__dirname, '../../dist/cli.js');

const { ws, corpus } = fuzzWorkspace('convlens-cli-fuzz-');

const PROBES = [
  "import z from '../../../../../../../../dev/zero.js';",
  "import p from './pipe.js';",
  `const deep = ${'('.repeat(1000)}1${')'.repeat(1000)};`,
  `const deep = ${'{a:'.repeat(1000)}1${'}'.repeat(1000)};`,
  'while (true) {}',
  "const n = '\u001b]0;PWNED\u0007\u009b\u202e';",
  `const long = '${'x'.repeat(60_000)}';`,
];

function run(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: ws, encoding: 'utf8', timeout: 300_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function clean(what: string, r: { code: number | null; out: string; err: string }): void {
  assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `${what}: exit ${r.code}\n${r.err.slice(0, 2000)}`);
  assert.doesNotMatch(r.err, /internal error|\n\s+at .*:\d+:\d+/, `${what}: ${r.err.slice(0, 2000)}`);
  assert.doesNotMatch(r.out + r.err, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/, `${what}: a raw control character reached the terminal`);
}

test(`CLI fuzz: ${FILES} mutated and hostile files through lint and profile (seed ${SEED})`, () => {
  const rnd = mulberry32(SEED);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const names: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const name = `fuzz_${i}.ts`;
    const src = pick(corpus).text;
    const lines = src.split('\n');
    const kind = rnd();
    let body: string | Buffer;
    if (kind < 0.05) body = '';
    else if (kind < 0.1) body = Buffer.from(Array.from({ length: 256 }, () => Math.floor(rnd() * 256)));
    else if (kind < 0.4) {
      lines.splice(Math.floor(rnd() * lines.length), 0, pick(PROBES));
      body = lines.join('\n');
    } else if (kind < 0.6) body = src.slice(0, Math.floor(rnd() * src.length));
    else if (kind < 0.8) {
      const a = Math.floor(rnd() * src.length);
      body = src.slice(0, a) + src.slice(a + 1 + Math.floor(rnd() * 200));
    } else body = src.replace(/\b\d+\b/, pick(['0', '-1', '1e308', '100000']));
    writeFileSync(join(ws, name), body);
    names.push(name);
  }
  const lint = run(['lint', ...names]);
  clean('lint', lint);
  // Every file is accounted for in the summary: with models, with none, or unreadable (each named).
  const m = /checked (\d+) files: (\d+) with models \(\d+ models?\), (\d+) with none, (\d+) unreadable/.exec(lint.err);
  assert.ok(m, lint.err.slice(-2000));
  assert.equal(Number(m[1]), FILES);
  assert.equal(Number(m[2]) + Number(m[3]) + Number(m[4]), FILES);
  assert.equal((lint.err.match(/cannot read fuzz_/g) ?? []).length, Number(m[4]));
  const json = run(['lint', '--json', ...names]);
  clean('lint --json', json);
  const parsed = JSON.parse(json.out) as { file: string }[];
  assert.ok(parsed.length > 0 && parsed.length <= names.length);
  let profiled = 0;
  for (const n of names.filter((_, i) => i % 8 === 0)) {
    const p = run(['profile', '--json', n]);
    clean(`profile ${n}`, p);
    if (p.code !== 2) JSON.parse(p.out);
    profiled++;
  }
  console.log(`CLI fuzz: ${FILES} files linted (exit ${lint.code}), ${parsed.length} analysed, ${profiled} profiled`);
});
