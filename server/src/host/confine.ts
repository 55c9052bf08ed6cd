/**
 * What the static analysis may read from disk, in one place for every host (the CLI's, the
 * language server's, and readers of other file kinds such as saved models' model.json): regular
 * files only, below a root folder (the workspace folder, or the CLI's file directory / --root),
 * with an allowed extension, up to a size cap. A FIFO, a device, /dev/zero or a secret outside the
 * workspace is refused before it is opened, with a reason the `unresolved-import` diagnostic shows.
 * Symbolic links count where they point: a link inside the workspace to a file outside is refused.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** A refusal the engine turns into an `unresolved-import` reason (same shape as the engine's Refusal). */
export interface Refusal {
  refused: string;
}

export interface ConfinePolicy {
  /** Absolute folders below which files may be read. Empty: nothing may be read. */
  roots: string[];
  /** How refusals name the roots ("the workspace folder /p", "the folder of net.ts (widen it with --root)"). */
  rootName?: string;
  /** Allowed name endings, with the dot (default: TypeScript and JavaScript sources, and JSON modules they import). */
  extensions?: readonly string[];
  /** Largest file read, in bytes (default 1 MiB). */
  maxBytes?: number;
}

// `.json`: `require('./config.json')` / `import cfg from './cfg.json' with { type: 'json' }` (its data, never run).
export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'] as const;
export const MAX_IMPORT_BYTES = 1024 * 1024;

/** The file's text; undefined when it does not exist; a Refusal saying why it may not be read. */
export type ConfinedRead = string | undefined | Refusal;

export function isRefusal(v: unknown): v is Refusal {
  return typeof v === 'object' && v !== null && typeof (v as Refusal).refused === 'string';
}

const toSlash = (p: string) => p.replace(/\\/g, '/');

/** Whether `p` is `root` or lies below it (both absolute and normalised). */
export function isBelow(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function rootLabel(policy: ConfinePolicy): string {
  if (policy.rootName) return `outside ${policy.rootName}`;
  const roots = policy.roots;
  return roots.length === 1 ? `outside ${toSlash(roots[0]!)}` : `outside the folders ${roots.map(toSlash).join(', ')}`;
}

function human(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function outsideRoots(abs: string, policy: ConfinePolicy): Refusal | undefined {
  if (policy.roots.some((r) => isBelow(abs, path.resolve(r)))) return undefined;
  if (!policy.roots.length) return { refused: `the document is not saved in a folder, so ConvLens follows none of its imports` };
  return { refused: `${toSlash(abs)} is ${rootLabel(policy)}; ConvLens reads imports only below it` };
}

function wrongExtension(abs: string, policy: ConfinePolicy): Refusal | undefined {
  const exts = policy.extensions ?? SOURCE_EXTENSIONS;
  if (exts.some((e) => abs.toLowerCase().endsWith(e))) return undefined;
  return { refused: `${toSlash(abs)} is not a ${exts.join('/')} file` };
}

/**
 * Whether a path may be read, on its name alone (no file system access): below a root, with an
 * allowed extension. For open documents (the editor's overlays), which exist but are not read from disk.
 */
export function refuseByName(file: string, policy: ConfinePolicy): Refusal | undefined {
  const abs = path.resolve(file);
  return outsideRoots(abs, policy) ?? wrongExtension(abs, policy);
}

const realRoots = new Map<string, string>();
function realRoot(r: string): string {
  let real = realRoots.get(r);
  if (real === undefined) {
    try {
      real = realpathSync(r);
    } catch {
      real = path.resolve(r);
    }
    if (realRoots.size > 256) realRoots.clear();
    realRoots.set(r, real);
  }
  return real;
}

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a file the analysis asked for, within the policy. Never blocks on a FIFO or device (they
 * are refused on stat, before any open, and the open is non-blocking in case one is swapped in),
 * never reads more than maxBytes + 1 bytes.
 */
export function readConfined(file: string, policy: ConfinePolicy): ConfinedRead {
  const abs = path.resolve(file);
  // Outside the roots nothing is even looked at; a wrong extension matters only for a file that exists
  // (the resolver tries `./util` before `./util.ts`).
  const outside = outsideRoots(abs, policy);
  if (outside) return outside;
  const maxBytes = policy.maxBytes ?? MAX_IMPORT_BYTES;
  let real: string;
  let st;
  try {
    real = realpathSync(abs);
    st = statSync(real);
  } catch {
    return undefined; // does not exist (or a dangling link): the resolver tries the next candidate
  }
  if (!policy.roots.some((r) => isBelow(real, realRoot(path.resolve(r)))))
    return { refused: `${toSlash(abs)} links to ${toSlash(real)}, ${rootLabel(policy)}; ConvLens reads imports only below it` };
  const ext = wrongExtension(abs, policy);
  if (ext) return ext;
  if (!st.isFile()) return { refused: `${toSlash(abs)} is ${kindOf(st)}, not a regular file` };
  if (st.size > maxBytes) return { refused: `${toSlash(abs)} is ${human(st.size)}; ConvLens reads files up to ${human(maxBytes)}` };
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    return { refused: `${toSlash(abs)} could not be opened (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile() || fst.ino !== st.ino || fst.dev !== st.dev) return { refused: `${toSlash(abs)} changed while it was read` };
    // Read in chunks up to the cap: a file that grows past it (or a special file posing as regular) stops there.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      if (buf.length === 0) break;
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
    }
    if (total > maxBytes) return { refused: `${toSlash(abs)} is larger than ${human(maxBytes)}; ConvLens reads files up to that size` };
    const bytes = Buffer.concat(chunks, total);
    if (bytes.includes(0)) return { refused: `${toSlash(abs)} holds binary data, not source text` };
    return bytes.toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { refused: `${toSlash(abs)} could not be read (${code === 'EAGAIN' ? 'it would block' : (code ?? (e as Error).message)})` };
  } finally {
    closeSync(fd);
  }
}
