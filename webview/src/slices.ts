/**
 * Long main-thread work in slices, so the panel never freezes for more than a frame or few: the
 * work calls `pause()` between its steps, which lets a frame paint when the current slice has run
 * longer than its budget (small graphs never pause). Each pause is a `cl:slice` performance mark
 * (the tests count them).
 */

/** A slice may run this long before it lets a frame paint (about one frame at 60 Hz). */
export const SLICE_MS = 16;

export class Slicer {
  private start = performance.now();

  constructor(private readonly budget = SLICE_MS) {}

  /** Lets a frame paint if this slice has used its budget. */
  async pause(): Promise<void> {
    if (performance.now() - this.start < this.budget) return;
    await nextFrame();
    this.start = performance.now();
  }
}

/**
 * Resolves in a task after the next frame (a message posted from requestAnimationFrame runs once
 * the frame is painted), or after 50 ms where frames do not come (a hidden webview).
 */
export function nextFrame(): Promise<void> {
  performance.mark('cl:slice');
  return new Promise((resolve) => {
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      const ch = new MessageChannel();
      ch.port1.onmessage = () => resolve();
      ch.port2.postMessage(0);
    };
    requestAnimationFrame(go);
    setTimeout(go, 50);
  });
}

/**
 * Runs stepped work (a generator that yields between its steps, returning its result) to its
 * end, pausing between steps for a frame whenever the slice has used its budget: small work runs
 * at once, in the current task's microtasks.
 */
export async function drive<T>(steps: Generator<void, T, void>, slicer = new Slicer()): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await slicer.pause();
  }
}
