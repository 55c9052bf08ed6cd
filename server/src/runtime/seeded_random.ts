/**
 * Seeded randomness for the training worker. tfjs draws a fresh seed from Math.random() for every
 * unseeded op (weight initialisers, dropout, random tensors), so replacing Math.random with a
 * seeded generator before the builder runs makes a check repeatable: the same model, seed and
 * backend give the same weights, batch, losses and verdicts. The user's own Math.random calls are
 * seeded too (said in the check's result).
 */

/** mulberry32: a tiny, fast, seeded PRNG (also the tests' generator, so a failing case replays from its seed). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed a check uses when the caller gives none. */
export const DEFAULT_SEED = 1;

/** Replaces Math.random with a generator seeded by `seed`; returns a function that restores it. */
export function seedMathRandom(seed: number): () => void {
  const original = Math.random;
  Math.random = mulberry32(seed);
  return () => {
    Math.random = original;
  };
}
