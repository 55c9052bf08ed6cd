/**
 * Output files written whole or not at all: into a new temporary file in the same folder (created
 * exclusively, so no link is followed), then renamed over the target. A symbolic link at the target
 * is replaced, never written through; a write cut short leaves the old file as it was.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A failure to write, worded for the command line (no stack trace). */
export class WriteError extends Error {}

function reason(e: unknown, target: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `the folder ${dirname(target)} does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied in ${dirname(target)}`;
    case 'EROFS':
      return `${dirname(target)} is on a read-only file system`;
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is exceeded';
    case 'ENOTDIR':
      return `${dirname(target)} is not a folder`;
    default:
      return code ?? (e as Error).message;
  }
}

export function writeFileAtomic(target: string, data: string): void {
  try {
    if (lstatSync(target).isDirectory()) throw new WriteError(`cannot write ${target}: it is a folder`);
  } catch (e) {
    if (e instanceof WriteError) throw e;
    // missing: fine
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw new WriteError(`cannot write ${target}: ${reason(e, target)}`);
  }
  try {
    const buf = Buffer.from(data, 'utf8');
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, target);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(tmp);
    } catch {
      // never created or already gone
    }
    throw new WriteError(`cannot write ${target}: ${reason(e, target)}`);
  }
}
