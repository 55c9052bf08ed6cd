/**
 * One entry out of a ZIP archive (a Keras 3 `.keras` file holds config.json, metadata.json and the
 * weights), read by random access: the end-of-central-directory record, the central directory, then
 * that entry alone, so a 2 GB archive costs a few reads, not 2 GB of memory. ZIP64 is followed.
 * Inflating uses fflate (pure JavaScript, runs wherever the engine runs); sizes are capped before
 * anything is allocated, so a zip bomb stops at the cap.
 */
import { inflateSync } from 'fflate';
import { SavedModelError } from './errors';

/** Synchronous random access to a file's bytes: a buffer, or a file descriptor in the host. */
export interface RandomAccess {
  size: number;
  read(offset: number, length: number): Uint8Array;
}

export function bufferAccess(bytes: Uint8Array): RandomAccess {
  return { size: bytes.length, read: (o, n) => bytes.subarray(o, Math.min(bytes.length, o + n)) };
}

export function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6);
}

interface CentralEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
const u64 = (b: Uint8Array, o: number) => u32(b, o) + u32(b, o + 4) * 0x100000000;

function readExact(a: RandomAccess, offset: number, length: number, what: string): Uint8Array {
  if (offset < 0 || offset + length > a.size) throw new SavedModelError(`the archive is truncated: its ${what} lies past the end of the file`);
  const b = a.read(offset, length);
  if (b.length < length) throw new SavedModelError(`the archive is truncated: its ${what} lies past the end of the file`);
  return b;
}

/** The names and sizes of the archive's entries. */
export function zipEntries(a: RandomAccess): CentralEntry[] {
  // The end record sits in the last 22 bytes plus up to 64 KiB of comment.
  const tailLen = Math.min(a.size, 22 + 0xffff);
  const tail = readExact(a, a.size - tailLen, tailLen, 'end record');
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 5 && tail[i + 3] === 6) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new SavedModelError('not a complete ZIP archive (no end-of-central-directory record: truncated download?)');
  let count = u16(tail, eocd + 10);
  let cdSize = u32(tail, eocd + 12);
  let cdOffset = u32(tail, eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locAt = a.size - tailLen + eocd - 20;
    const loc = readExact(a, locAt, 20, 'ZIP64 locator');
    if (u32(loc, 0) !== 0x07064b50) throw new SavedModelError('the archive announces ZIP64 but has no ZIP64 locator');
    const rec = readExact(a, u64(loc, 8), 56, 'ZIP64 end record');
    if (u32(rec, 0) !== 0x06064b50) throw new SavedModelError('the ZIP64 end record is corrupt');
    count = u64(rec, 32);
    cdSize = u64(rec, 40);
    cdOffset = u64(rec, 48);
  }
  if (cdSize > 64 * 1024 * 1024) throw new SavedModelError(`the archive's directory is ${cdSize} bytes; more than any Keras archive needs`);
  const cd = readExact(a, cdOffset, cdSize, 'central directory');
  const out: CentralEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || u32(cd, p) !== 0x02014b50) throw new SavedModelError('the archive\'s central directory is corrupt');
    const method = u16(cd, p + 10);
    let compressedSize = u32(cd, p + 20);
    let size = u32(cd, p + 24);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    let localOffset = u32(cd, p + 42);
    const name = new TextDecoder().decode(cd.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extra field: the 64-bit values replace the 32-bit ones that are all ones, in this order.
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = u16(cd, x);
      const len = u16(cd, x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        if (size === 0xffffffff) (size = u64(cd, q)), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(cd, q)), (q += 8);
        if (localOffset === 0xffffffff) localOffset = u64(cd, q);
      }
      x += 4 + len;
    }
    out.push({ name, method, compressedSize, size, localOffset });
    p = xEnd + commentLen;
  }
  return out;
}

/** The bytes of one entry, or undefined when the archive has no such entry. */
export function zipEntry(a: RandomAccess, name: string, maxBytes: number): Uint8Array | undefined {
  const e = zipEntries(a).find((x) => x.name === name);
  if (!e) return undefined;
  if (e.size > maxBytes) throw new SavedModelError(`${name} is ${e.size.toLocaleString('en-US')} bytes; ConvLens reads model topologies up to ${maxBytes.toLocaleString('en-US')} bytes`);
  const local = readExact(a, e.localOffset, 30, `${name} header`);
  if (u32(local, 0) !== 0x04034b50) throw new SavedModelError(`the archive's entry ${name} is corrupt`);
  const dataAt = e.localOffset + 30 + u16(local, 26) + u16(local, 28);
  const data = readExact(a, dataAt, e.compressedSize, name);
  if (e.method === 0) return data.slice();
  if (e.method !== 8) throw new SavedModelError(`${name} is compressed with method ${e.method}; only stored and deflated entries are read`);
  let out: Uint8Array;
  try {
    out = inflateSync(data, { out: new Uint8Array(e.size) });
  } catch (err) {
    throw new SavedModelError(`${name} in the archive is corrupt (${(err as Error).message})`);
  }
  return out;
}
