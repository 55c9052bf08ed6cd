// `npm run package`: a lean .vsix — the minified bundles, the wasm binaries, snippets, README and
// images; no node_modules tree (dependencies are bundled; tfjs-node-gpu is the user's to install).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(process.execPath, ['scripts/build.mjs', '--vsix']);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const out = process.env.CONVLENS_VSIX ?? `convlens-${pkg.version}.vsix`;
run(process.execPath, ['node_modules/@vscode/vsce/vsce', 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', out]);
console.log(`${out}: ${(statSync(out).size / 2 ** 20).toFixed(1)} MB`);
// Leave a development build behind for the tests (the vsix build is minified, without maps).
run(process.execPath, ['scripts/build.mjs']);
