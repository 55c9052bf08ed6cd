// `npm run bench` (after build): runs bench/index.ts through tsx. Pass section names to run a few:
//   npm run bench -- engine lsp
import { spawnSync } from 'node:child_process';
const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/index.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
