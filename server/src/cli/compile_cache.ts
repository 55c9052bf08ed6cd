/**
 * A compile cache for the CLI's modules (its command bundles, typescript, elkjs): V8's code cache
 * kept on disk, so a second `convlens profile` does not parse and compile typescript's 9 MB again
 * (measured: loading typescript took 240 ms of CPU without, 80 ms with).
 *
 * Node 22.1+ has this built in (module.enableCompileCache) and gets it. Node 20 has not: there,
 * CommonJS modules are compiled through vm.Script with `cachedData`, as the v8-compile-cache
 * package does, and the caches of this run are written when the process exits. A cache entry is
 * keyed by the file's path, size and modification time (V8 itself only checks the source length),
 * lives in a per-user folder, and a rejected or unreadable entry only costs the normal compile.
 * CONVLENS_NO_COMPILE_CACHE=1 turns it off.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

interface ModuleInternals {
  exports: unknown;
  require(id: string): unknown;
}
type Compile = (this: ModuleInternals, content: string, filename: string) => unknown;
interface ModuleStatics {
  enableCompileCache?: (dir?: string) => unknown;
  wrap(content: string): string;
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _cache: unknown;
  _extensions: unknown;
  prototype: { _compile: Compile };
}

let enabled = false;

export function cacheDir(): string | undefined {
  const base = process.env.CONVLENS_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'convlens');
  const dir = join(base, `v8-${process.version}-${process.arch}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  } catch {
    return undefined;
  }
}

export function enableCompileCache(): void {
  if (enabled || process.env.CONVLENS_NO_COMPILE_CACHE) return;
  enabled = true;
  const M = Module as unknown as ModuleStatics;
  const dir = cacheDir();
  if (!dir) return;
  if (typeof M.enableCompileCache === 'function') {
    M.enableCompileCache(dir);
    return;
  }
  const original = M.prototype._compile;
  const fresh: { file: string; script: Script }[] = [];
  M.prototype._compile = function (this: ModuleInternals, content: string, filename: string): unknown {
    let key: string;
    try {
      const st = statSync(filename);
      key = `${filename}\0${st.size}\0${st.mtimeMs}`;
    } catch {
      return original.call(this, content, filename);
    }
    const file = join(dir, `${hash(key)}.bin`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(file);
    } catch {
      /* not cached yet */
    }
    const script = new Script(M.wrap(content), { filename, ...(cachedData ? { cachedData } : {}) });
    if (!cachedData || script.cachedDataRejected) fresh.push({ file, script });
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    const mod = this;
    const req = Object.assign((id: string) => mod.require(id), {
      resolve: (request: string, options?: unknown) => M._resolveFilename(request, mod, false, options),
      main: require.main,
      cache: M._cache,
      extensions: M._extensions,
    });
    return fn.call(mod.exports, mod.exports, req, mod, filename, dirname(filename));
  };
  // Written at exit: by then the functions this run called are compiled, and their code is cached too.
  process.once('exit', () => {
    for (const { file, script } of fresh)
      try {
        writeFileSync(file, script.createCachedData(), { mode: 0o600 });
      } catch {
        /* a read-only cache folder only costs speed */
      }
  });
}

/** FNV-1a, 53 bits, as hex: a short file name for a cache key (not a security measure). */
function hash(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).slice(0, 16);
}
