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
  const keys = new Map<string, string>();
  const firstOrder = (id: string) => Math.min(...ix.groups.get(id)!.nodeIds.map((n) => ix.order.get(n) ?? Infinity));
  const byParent = new Map<string, string[]>();
  for (const id of ix.realOrder) {
    const p = ix.realParent.get(id) ?? '';
    (byParent.get(p) ?? byParent.set(p, []).get(p)!).push(id);
  }
  for (const id of ix.realOrder) {
    const p = ix.realParent.get(id);
    const siblings = byParent.get(p ?? '')!;
    const label = ix.groups.get(id)!.label;
    const same = siblings.filter((s) => ix.groups.get(s)!.label === label).sort((a, b) => firstOrder(a) - firstOrder(b));
    const own = `${label}#${same.indexOf(id) + 1}`;
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
