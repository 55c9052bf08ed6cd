/**
 * The end-to-end checks in a downloaded desktop VS Code, through @vscode/test-electron — for
 * machines that can download VS Code. Where the download is impossible (no network: ENOTFOUND,
 * a proxy refusing, ...) it says so and exits 0: CI runs the code-server test (npm run test:e2e)
 * and does not depend on this one.
 *
 *   node --import tsx test/e2e/electron.runner.ts
 *
 *   CONVLENS_VSCODE_VERSION   VS Code version to test (default: stable)
 *   CONVLENS_VSCODE_PATH      use this VS Code executable instead of downloading one
 *   On Linux without a display it re-runs itself under `xvfb-run -a` when that is installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { ROOT, USER_SETTINGS } from './harness';
import { FILES, adviceFix, analyzeFixture, applyEdits, hintLabel, layerNamed, markedErrorLines, workspaceFiles } from './expectations';
import type { Expectations } from './electron/suite';
import { exact, shapeText } from '../../server/src/engine/report/format';

const NETWORK = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|socket hang up|network|certificate|self[- ]signed|status code (4|5)\d\d|Failed to get JSON|timed? ?out/i;

function skip(why: string): never {
  console.log(`SKIP electron e2e: ${why}`);
  console.log('      (the code-server end-to-end test, `npm run test:e2e`, covers the same ground without a download)');
  process.exit(0);
}

async function vscodeExecutable(): Promise<string> {
  if (process.env.CONVLENS_VSCODE_PATH) return process.env.CONVLENS_VSCODE_PATH;
  const version = process.env.CONVLENS_VSCODE_VERSION ?? 'stable';
  try {
    return await downloadAndUnzipVSCode({ version, cachePath: join(homedir(), '.cache/convlens-e2e/vscode-test'), timeout: 30_000 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { cause?: { code?: string; message?: string } };
    const what = [err.code, err.message, err.cause?.code, err.cause?.message].filter(Boolean).join(' ');
    if (NETWORK.test(what)) skip(`VS Code ${version} cannot be downloaded here (${what.slice(0, 200)})`);
    throw e;
  }
}

/** On Linux without a display, Electron cannot start: re-run under xvfb-run when available. */
function ensureDisplay(): void {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY || process.env.CONVLENS_E2E_XVFB) return;
  const has = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' });
  if (has.status !== 0) skip('no display (DISPLAY is unset) and xvfb-run is not installed (apt-get install xvfb)');
  const r = spawnSync('xvfb-run', ['-a', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, CONVLENS_E2E_XVFB: '1' },
  });
  process.exit(r.status ?? 1);
}

export function expectations(workspace: string): Expectations {
  const ws = (p: string) => join(workspace, p);
  const resnet = analyzeFixture(FILES.resnet.src);
  const conv1 = layerNamed(resnet, 'conv1');
  const inception = analyzeFixture(FILES.inception.src);
  const fix = adviceFix(inception, 'reduce-channels');
  const before = readFileSync(resolve(ROOT, FILES.inception.src), 'utf8');
  const start = conv1.range.start;
  return {
    workspace,
    resnet: {
      file: ws(FILES.resnet.ws),
      // On `conv2d` of `tf.layers.conv2d(`: the call starts at `tf`.
      conv1: { line: start.line, character: start.character + 'tf.layers.'.length + 2, hint: hintLabel(conv1), hover: [conv1.className, 'Params', exact(conv1.params), shapeText(conv1.outputShape)] },
    },
    inception: {
      file: ws(FILES.inception.ws),
      line: fix.line - 1,
      character: fix.col - 1,
      title: fix.title,
      inserted: fix.finding.fix!.edits.map((e) => e.newText).join(''),
      expectedText: applyEdits(before, fix.finding.fix!.edits),
    },
    broken: [FILES.helperError, FILES.tooSmall].map((f) => ({ file: ws(f.ws), lines: markedErrorLines(readFileSync(resolve(ROOT, f.src), 'utf8')) })),
  };
}

async function main(): Promise<void> {
  const executable = await vscodeExecutable();
  ensureDisplay();

  const dir = mkdtempSync(join(tmpdir(), 'convlens-electron-'));
  try {
    // The extension under test: the development build (dist/), loaded with --extensionDevelopmentPath.
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('npm run build failed');
    const suite = join(dir, 'suite/index.js');
    await build({ entryPoints: [join(__dirname, 'electron/suite.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning' });

    const workspace = join(dir, 'ws');
    for (const [to, from] of Object.entries(workspaceFiles())) {
      mkdirSync(join(workspace, to, '..'), { recursive: true });
      writeFileSync(join(workspace, to), readFileSync(resolve(ROOT, from)));
    }
    const userData = join(dir, 'ud');
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(join(userData, 'User/settings.json'), JSON.stringify(USER_SETTINGS, null, 2));

    const code = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: suite,
      extensionTestsEnv: { CONVLENS_E2E_EXPECT: JSON.stringify(expectations(workspace)) },
      launchArgs: [workspace, '--user-data-dir', userData, '--extensions-dir', join(dir, 'ext'), '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--disable-gpu'],
    });
    if (code !== 0) throw new Error(`VS Code exited with ${code}`);
    console.log('electron e2e: passed');
  } finally {
    if (process.env.CONVLENS_E2E_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().catch((e: Error) => {
    console.error(`electron e2e: FAILED: ${e.stack ?? e.message}`);
    process.exit(1);
  });
