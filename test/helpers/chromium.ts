/**
 * Which Chromium the browser tests, the end-to-end test and the benchmarks drive.
 *
 * Order: $CONVLENS_CHROMIUM; a system Chromium on PATH (Debian's `chromium`, which .ci/run
 * installs); else the one inside the `@sparticuz/chromium` dev dependency, so `npm ci && npm test`
 * needs nothing but Node. That package ships a brotli-packed binary that it unpacks to /tmp on
 * first use (about 2.5 s); it renders WebGL on SwiftShader like Debian's build.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The flags every launch uses: no sandbox (root in CI), and nothing that reaches the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * The browser's environment: the npm build takes its locale from LANG, and C.UTF-8 (common on CI
 * machines) gives "en-US@posix", a tag Intl rejects, so pages fail at their first Intl call.
 */
export function chromiumEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' };
}

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

function npmPackageInstalled(): boolean {
  try {
    require.resolve('@sparticuz/chromium');
    return true;
  } catch {
    return false;
  }
}

/** Where the browser will come from, known without unpacking anything (for `skip` options). */
export function chromiumSource(): { kind: 'env' | 'system' | 'npm'; path?: string } | undefined {
  const env = process.env.CONVLENS_CHROMIUM;
  if (env) return existsSync(env) ? { kind: 'env', path: env } : undefined;
  for (const n of SYSTEM_NAMES) {
    const p = onPath(n);
    if (p) return { kind: 'system', path: p };
  }
  return npmPackageInstalled() ? { kind: 'npm' } : undefined;
}

/** Why no browser can run, in words, or undefined. */
export function chromiumMissing(): string | undefined {
  if (chromiumSource()) return undefined;
  const env = process.env.CONVLENS_CHROMIUM;
  return env
    ? `CONVLENS_CHROMIUM=${env} does not exist`
    : 'no Chromium: none on PATH and the @sparticuz/chromium dev dependency is not installed (run npm ci)';
}

let unpacked: Promise<string> | undefined;

/** The browser binary's path, unpacking the npm one on first use. */
export async function chromiumPath(): Promise<string> {
  const src = chromiumSource();
  if (!src) throw new Error(chromiumMissing());
  if (src.path) return src.path;
  unpacked ??= (async () => {
    const mod = require('@sparticuz/chromium');
    return (mod.default ?? mod).executablePath() as Promise<string>;
  })();
  return unpacked;
}
