/** The seeded PRNG of test data: the runtime's own, so a failing case can be replayed from its seed. */
export { mulberry32 } from '../../server/src/runtime/seeded_random';
