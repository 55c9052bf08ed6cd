/**
 * ELK itself (elkjs, 1.6 MB of compiled Java): made on first use, in whatever runs the chunks — the
 * CLI and the tests in Node, the panel in its ELK workers (elk_worker.ts). The panel's layout
 * coordinator is bundled without it (build.mjs) and never waits for it to load.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import { fallbackLayout } from './fallback_layout';

interface ElkLike {
  layout(graph: ElkNode): Promise<ElkNode>;
}

let elk: ElkLike | undefined;
let afterElk: (() => void) | undefined;

/** Makes the ELK instance (runs its code) the first time a chunk needs it. */
export function initElk(): void {
  if (elk) return;
  elk = new ELK() as unknown as ElkLike;
  afterElk?.();
}

/** Called once ELK exists (a worker must then undo what ELK did to it: elk_worker.ts). */
export function whenElkMade(f: () => void): void {
  afterElk = f;
}

/**
 * Lays out ELK graphs (JSON text, one per chunk); `done` hears of each as it finishes. The panel's
 * coordinator hands chunks to its ELK workers in parallel; Node runs them here, one after another.
 */
export type ChunkRunner = (inputs: string[], done?: (index: number, out: ElkNode) => void) => Promise<ElkNode[]>;

export const runLocal: ChunkRunner = async (inputs, done) => {
  initElk();
  const out: ElkNode[] = [];
  for (const k of inputs) {
    out.push(await layoutChunk(k));
    done?.(out.length - 1, out.at(-1)!);
  }
  return out;
};

/**
 * ELK with our options; if it throws (0.12 has crashed on some option combinations), again
 * without model order; if that throws too, a plain longest-path layering so the panel still draws.
 */
export async function layoutChunk(key: string): Promise<ElkNode> {
  initElk();
  try {
    return await elk!.layout(JSON.parse(key) as ElkNode);
  } catch (e) {
    console.warn(`ConvLens: ELK failed (${(e as Error).message}); retrying with safe options`);
  }
  const safe = JSON.parse(key) as ElkNode;
  delete safe.layoutOptions!['elk.layered.considerModelOrder.strategy'];
  try {
    return await elk!.layout(safe);
  } catch {
    return fallbackLayout(JSON.parse(key) as ElkNode);
  }
}
