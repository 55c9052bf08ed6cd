// `npm run package`: a lean .vsix — the minified bundles, the wasm binaries, snippets, README and
// images; no node_modules tree (dependencies are bundled; tfjs-node-gpu is the user's to install).
// README links stay relative: they resolve inside the installed extension (docs/images ships).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;
let status = run(process.execPath, ['scripts/build.mjs', '--vsix']);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const out = process.env.CONVLENS_VSIX ?? `convlens-${pkg.version}.vsix`;
if (status === 0)
  status = run(process.execPath, ['node_modules/@vscode/vsce/vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '-o', out]);
if (status === 0) console.log(`${out}: ${(statSync(out).size / 2 ** 20).toFixed(1)} MB`);
// Always leave a development build behind (the vsix build is minified, without source maps).
const dev = run(process.execPath, ['scripts/build.mjs']);
process.exit(status || dev);
