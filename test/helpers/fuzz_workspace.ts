/**
 * The workspace the CLI and language-server fuzz tests work in: a temp folder holding copies of the
 * fixtures and examples (helpers they import come along) and a FIFO `pipe.js` for the import
 * probes; removed after the test file.
 */
import { after } from 'node:test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface FuzzWorkspace {
  /** The temp folder; `ws` is inside it, so `../` probes stay in the temp folder. */
  tmp: string;
  ws: string;
  corpus: { name: string; text: string }[];
}

export function fuzzWorkspace(prefix: string): FuzzWorkspace {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const ws = join(tmp, 'ws');
  mkdirSync(ws);
  const sources = [resolve(__dirname, '../fixtures/models'), resolve(__dirname, '../fixtures/broken'), resolve(__dirname, '../../examples')];
  const corpus: { name: string; text: string }[] = [];
  for (const d of sources)
    for (const f of readdirSync(d).filter((x) => /\.(ts|js)$/.test(x))) {
      copyFileSync(join(d, f), join(ws, f));
      corpus.push({ name: f, text: readFileSync(join(d, f), 'utf8') });
    }
  if (process.platform !== 'win32') spawnSync('mkfifo', [join(ws, 'pipe.js')]);
  after(() => rmSync(tmp, { recursive: true, force: true }));
  return { tmp, ws, corpus };
}
