/**
 * The check Netron does not make: a model.json's `weightsManifest` against the model its topology
 * builds (every weight's shape as the catalogue predicts it, none missing, none extra: tfjs's
 * loadLayersModel is strict about both), and the shard files' sizes against the bytes the manifest
 * describes. A mismatch means a wrong file, a truncated download or an edited config; each
 * diagnostic names the layers whose weights are affected.
 */
import type { Diagnostic, Range } from '../report/types';
import type { LayerValue } from '../tfjs/values';
import type { Locator } from './locate';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

export interface ManifestWeight {
  /** As written: 'conv1/kernel'. */
  name: string;
  shape: number[];
  /** Bytes it takes in the shard data (null: a string tensor, whose size the manifest does not say). */
  bytes: number | null;
  /** The layer name and the weight's own name ('conv1', 'kernel'). */
  layer: string;
  weight: string;
  at: number;
}

/** One weight group: its shard files hold its weights' bytes back to back. Plain data (sent to the VS Code client). */
export interface ShardGroup {
  paths: string[];
  /** Where each path is written in model.json. */
  pathRanges: Range[];
  /** Bytes the manifest describes (null when a string weight makes it unknown). */
  bytes: number | null;
  weights: { name: string; layer: string; bytes: number | null }[];
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2, int8: 1, int16: 2 };

/** Reads `weightsManifest`; a malformed entry is a diagnostic, not an exception. */
export function readManifest(v: unknown, loc: Locator, problems: Diagnostic[]): { weights: ManifestWeight[]; groups: ShardGroup[] } {
  const weights: ManifestWeight[] = [];
  const groups: ShardGroup[] = [];
  if (!Array.isArray(v)) {
    problems.push(diag(loc.range(0, 0), 'error', 'weights-manifest', 'weightsManifest is not a list of weight groups'));
    return { weights, groups };
  }
  for (const [gi, g] of v.entries()) {
    if (!isObj(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) {
      problems.push(diag(loc.range(0, 0), 'error', 'weights-manifest', `weight group ${gi + 1} of weightsManifest has no paths or weights list`));
      continue;
    }
    const group: ShardGroup = { paths: [], pathRanges: [], bytes: 0, weights: [] };
    for (const w of g.weights) {
      if (!isObj(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        problems.push(diag(loc.range(0, 0), 'error', 'weights-manifest', `a weight of group ${gi + 1} has no name or a bad shape: ${JSON.stringify(w)?.slice(0, 120)}`));
        continue;
      }
      const at = loc.find(w.name);
      const q = isObj(w.quantization) && typeof w.quantization.dtype === 'string' ? w.quantization.dtype : undefined;
      const dtype = q ?? (typeof w.dtype === 'string' ? w.dtype : 'float32');
      const per = DTYPE_BYTES[dtype];
      const count = (w.shape as number[]).reduce((a, b) => a * b, 1);
      const bytes = per === undefined ? null : count * per;
      const parts = w.name.split('/');
      const weight = parts.pop() ?? w.name;
      weights.push({ name: w.name, shape: w.shape as number[], bytes, layer: parts[parts.length - 1] ?? '', weight, at });
      group.weights.push({ name: w.name, layer: parts[parts.length - 1] ?? '', bytes });
      group.bytes = group.bytes === null || bytes === null ? null : group.bytes + bytes;
    }
    for (const p of g.paths) {
      if (typeof p !== 'string') continue;
      const i = loc.text.indexOf(JSON.stringify(p));
      group.paths.push(p);
      group.pathRanges.push(loc.range(i, i < 0 ? i : i + JSON.stringify(p).length));
    }
    groups.push(group);
  }
  return { weights, groups };
}

/**
 * The manifest against the layers the topology builds. `layers`: every layer object of the file's
 * models (nested ones included), `rangeOf` places a diagnostic at a layer.
 */
export function checkManifestWeights(weights: ManifestWeight[], layers: LayerValue[], rangeOf: (l: LayerValue) => Range, loc: Locator): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byName = new Map<string, LayerValue>();
  for (const l of layers) if (l.name && !byName.has(l.name)) byName.set(l.name, l);
  const seen = new Set<string>();
  const extra: ManifestWeight[] = [];
  for (const w of weights) {
    const layer = byName.get(w.layer);
    const spec = layer?.weights?.find((x) => x.name === w.weight);
    if (!layer || !spec) {
      extra.push(w);
      continue;
    }
    seen.add(`${w.layer}/${w.weight}`);
    const s = spec.shape;
    if (s.length !== w.shape.length || s.some((d, i) => d !== null && d !== w.shape[i]))
      out.push(diag(rangeOf(layer), 'error', 'weights-mismatch',
        `${layer.className} '${w.layer}': the weights manifest stores ${w.weight} as ${fmt(w.shape)}, but this config makes it ${fmt(s)}; the weights belong to another model (or the config was edited), and tfjs refuses to load them`));
  }
  for (const w of extra)
    out.push(diag(loc.range(w.at, w.at < 0 ? -1 : w.at + JSON.stringify(w.name).length), 'error', 'weights-mismatch',
      byName.has(w.layer)
        ? `the weights manifest has '${w.name}', but ${byName.get(w.layer)!.className} '${w.layer}' has no weight '${w.weight}'; tfjs refuses to load it`
        : `the weights manifest has '${w.name}', but the model has no layer named '${w.layer}'; tfjs refuses to load it`));
  for (const l of layers) {
    if (!l.name || !l.weights) continue;
    const missing = l.weights.filter((x) => !seen.has(`${l.name}/${x.name}`)).map((x) => x.name);
    if (missing.length)
      out.push(diag(rangeOf(l), 'error', 'weights-mismatch',
        `${l.className} '${l.name}' has no ${missing.join(', ')} in the weights manifest; tfjs cannot load this model's weights`));
  }
  return out;
}

/**
 * The shard files against the manifest. `sizes`: each path (relative to model.json) → its size in
 * bytes, null when the file does not exist (the host reads them: the CLI from disk, VS Code through
 * its workspace file system).
 */
export function checkShardSizes(groups: ShardGroup[], sizes: Record<string, number | null | undefined>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const g of groups) {
    if (g.bytes === null || !g.paths.length) continue;
    const actual = g.paths.map((p) => sizes[p]);
    const missing = g.paths.map((p, i) => (actual[i] === null ? i : -1)).filter((i) => i >= 0);
    const unread = actual.some((s) => s === undefined);
    if (unread) continue;
    // Byte ranges of the shards as they are: a missing shard takes the size its siblings have.
    const known = actual.filter((s): s is number => typeof s === 'number');
    const typical = known.length ? Math.max(...known) : null;
    let offset = 0;
    const spans = actual.map((s, i) => {
      const size = s ?? (missing.length === 1 && typical !== null ? Math.max(0, g.bytes! - known.reduce((a, b) => a + b, 0)) : i === actual.length - 1 ? null : typical);
      const span = { start: offset, end: size === null ? Infinity : offset + size };
      offset = span.end;
      return span;
    });
    for (const i of missing) {
      const layers = layersIn(g, spans[i]!.start, spans[i]!.end);
      out.push(diag(g.pathRanges[i]!, 'error', 'weights-shard',
        `weight shard ${g.paths[i]} is missing${layers.length ? `: it holds the weights of ${list(layers)}` : ''}; tfjs cannot load this model's weights`));
    }
    if (missing.length) continue;
    const total = known.reduce((a, b) => a + b, 0);
    if (total < g.bytes) {
      // tfjs cuts a group into shards of one size, the last one taking the rest: a shard shorter
      // than its place in that layout was cut off, and the bytes missing are its tail.
      const n = actual.length;
      const size = n > 1 ? Math.max(...actual.slice(0, -1).map((x) => x!)) : g.bytes;
      const short: number[] = [];
      const layers: string[] = [];
      actual.forEach((s, i) => {
        const expected = i < n - 1 ? size : g.bytes! - size * (n - 1);
        if (s! >= expected) return;
        short.push(i);
        for (const l of layersIn(g, i * size + s!, i * size + expected)) if (!layers.includes(l)) layers.push(l);
      });
      if (!short.length) short.push(n - 1);
      const names = short.map((i) => g.paths[i]).join(', ');
      out.push(diag(g.pathRanges[short[0]!]!, 'error', 'weights-shard',
        `the weight shards hold ${total.toLocaleString('en-US')} bytes but the manifest needs ${g.bytes.toLocaleString('en-US')} (${(g.bytes - total).toLocaleString('en-US')} short; ${names} ${short.length > 1 ? 'look' : 'looks'} cut off: a truncated download?): the weights of ${list(layers.length ? layers : layersIn(g, total, g.bytes))} are incomplete`));
    } else if (total > g.bytes)
      out.push(diag(g.pathRanges[0]!, 'error', 'weights-shard',
        `the weight shards hold ${total.toLocaleString('en-US')} bytes but the manifest describes ${g.bytes.toLocaleString('en-US')} (${(total - g.bytes).toLocaleString('en-US')} too many): the shards belong to another model, or model.json was edited`));
  }
  return out;
}

/** Names of the layers whose weight bytes overlap [start, end) of the group. */
function layersIn(g: ShardGroup, start: number, end: number): string[] {
  const out: string[] = [];
  let off = 0;
  for (const w of g.weights) {
    if (w.bytes === null) break;
    const s = off;
    off += w.bytes;
    if (off > start && s < end && !out.includes(w.layer)) out.push(w.layer);
  }
  return out;
}

function list(names: string[]): string {
  const shown = names.slice(0, 8).map((n) => `'${n}'`);
  return names.length > 8 ? `${shown.join(', ')} and ${names.length - 8} more layers` : shown.join(', ');
}

function fmt(s: (number | null)[]): string {
  return `[${s.map((d) => (d === null ? '?' : d)).join(', ')}]`;
}

function diag(range: Range, severity: Diagnostic['severity'], code: string, message: string): Diagnostic {
  return { range, severity, code, message };
}
