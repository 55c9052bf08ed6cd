/**
 * Which groups are collapsed. State is kept per model as overrides on top of a mode, keyed by a
 * path of helper names ('denseBlock#2/convBlock#5') rather than group ids, because ids are only
 * stable within one analysis and the panel must keep its collapse state across edits.
 */
import type { GraphIndex } from './visible';

/** Models with more layers than this open collapsed at block level. */
export const BIG_MODEL_LAYERS = 300;
/** A repeated block worth collapsing has at least this many layers. */
const MIN_BLOCK_NODES = 3;

export type CollapseMode = 'blocks' | 'none';

export interface CollapseState {
  mode: CollapseMode;
  /** Stable group key -> collapsed, for groups the user toggled. */
  overrides: Record<string, boolean>;
}

export function defaultCollapse(layerCount: number): CollapseState {
  return { mode: layerCount > BIG_MODEL_LAYERS ? 'blocks' : 'none', overrides: {} };
}

/** Stable keys: label and ordinal among same-named siblings, joined along the nesting path. */
export function groupKeys(ix: GraphIndex): Map<string, string> {
  // Each group's first position (its earliest node in topological order), computed once.
  const first = new Map<string, number>();
  for (const id of ix.realOrder) {
    let m = Infinity;
    for (const n of ix.groups.get(id)!.nodeIds) {
      const o = ix.order.get(n) ?? Infinity;
      if (o < m) m = o;
    }
    first.set(id, m);
  }
  // Same-named siblings, in realOrder (the stable sort below keeps that order among ties).
  const siblings = new Map<string, Map<string, string[]>>();
  for (const id of ix.realOrder) {
    const p = ix.realParent.get(id) ?? '';
    const label = ix.groups.get(id)!.label;
    let byLabel = siblings.get(p);
    if (!byLabel) siblings.set(p, (byLabel = new Map()));
    const same = byLabel.get(label);
    if (same) same.push(id);
    else byLabel.set(label, [id]);
  }
  const ordinal = new Map<string, number>();
  for (const byLabel of siblings.values())
    for (const same of byLabel.values()) {
      same.sort((a, b) => first.get(a)! - first.get(b)!);
      same.forEach((id, i) => ordinal.set(id, i + 1));
    }
  const keys = new Map<string, string>();
  // realOrder puts parents before children, so a parent's key is there when its children need it.
  for (const id of ix.realOrder) {
    const p = ix.realParent.get(id);
    const own = `${ix.groups.get(id)!.label}#${ordinal.get(id)!}`;
    keys.set(id, p ? `${keys.get(p)}/${own}` : own);
  }
  return keys;
}

/**
 * Repeated blocks: the innermost groups whose helper is called more than once and that hold at
 * least MIN_BLOCK_NODES layers (inception modules, residual blocks, DenseNet's conv blocks).
 */
export function repeatedBlocks(ix: GraphIndex): Set<string> {
  const count = new Map<string, number>();
  for (const id of ix.real) {
    const l = ix.groups.get(id)!.label;
    count.set(l, (count.get(l) ?? 0) + 1);
  }
  const candidates = new Set([...ix.real].filter((id) => count.get(ix.groups.get(id)!.label)! > 1 && ix.groups.get(id)!.nodeIds.length >= MIN_BLOCK_NODES));
  // Drop every candidate that has a candidate inside it: the innermost level is the block level.
  for (const id of candidates) {
    for (let p = ix.realParent.get(id); p; p = ix.realParent.get(p)) candidates.delete(p);
  }
  return candidates;
}

export function collapsedPredicate(state: CollapseState, keys: Map<string, string>, blocks: Set<string>): (groupId: string) => boolean {
  return (id) => {
    const o = state.overrides[keys.get(id) ?? ''];
    if (o !== undefined) return o;
    return state.mode === 'blocks' && blocks.has(id);
  };
}
