/**
 * `convlens profile` and `convlens lint`: the commands that only analyse. A bundle of its own
 * (dist/cli_analysis.js), required by main.ts only when one of them runs: it brings typescript.
 */
export { profileCommand } from './profile';
export { lintCommand } from './lint';
/** Whether this thread's stack was too small somewhere (main.ts then runs the command again on a big one). */
export { stackOverflowsSeen } from '../engine';
