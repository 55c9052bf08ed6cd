/**
 * One macrotask turn, on either host of the check: Node's setImmediate, or a MessageChannel in a
 * browser worker (setTimeout(0) is clamped to 4 ms once nested, which would slow a fast step loop).
 */
export function nextTurn(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === 'function') return new Promise((r) => g.setImmediate!(r));
  return new Promise((r) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      r();
    };
    ch.port2.postMessage(0);
  });
}
