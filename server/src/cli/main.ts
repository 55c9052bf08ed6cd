/**
 * `convlens` — the engine on the command line, for CI and for people without VS Code.
 *   convlens profile FILE [--model NAME] [--json]
 *   convlens lint FILE... [--json]
 *   convlens view FILE [--model NAME] --out arch.html|arch.svg
 *   convlens check FILE [--model NAME] [--steps N] [--backend B] [--json]
 *
 * This entry loads nothing but Node's own modules: `--help` and `--version` answer at once, and
 * each command's code (typescript for the analysis, elkjs for view, the runtime for check) is a
 * bundle of its own (build.mjs), required only when that command runs, through a compile cache.
 */
import { parseArgs } from './args';
import { enableCompileCache } from './compile_cache';

const HELP = `convlens — shapes, parameters, MACs and design advice for TensorFlow.js CNNs

Usage:
  convlens profile FILE [--model NAME] [--json]   per-layer table: output shape, params, MACs, receptive field
  convlens lint FILE... [--json]                  shape errors and design advice, compiler-style
  convlens view FILE [--model NAME] [--expand] [--dark] --out F
                                                  the architecture as a standalone page (.html) or an SVG
  convlens check FILE [--model NAME] [--steps N] [--backend auto|tfjs-node-gpu|tfjs-node|wasm|cpu]
                 [--batch N] [--timeout S] [--memory MB] [--json]
                                                  train the real model briefly: initial loss, overfit one
                                                  batch, gradient flow, throughput (runs your code)
  convlens --help | --version

The file is read statically (nothing runs): builders are the functions, arrows, class methods and
variables that yield a tf.sequential() or tf.model(). Relative imports are followed. A saved model
(a tfjs model.json, Keras model.to_json() output, or a Keras 3 .keras archive) is read as it is,
with its weights manifest and shard files checked.

Options:
  --model NAME   only this model (as listed by profile)
  --json         machine-readable output (the contract: docs/report.md)
  --max-steps N  analysis step budget (default 2,000,000)
  --root DIR     where the code runs: tf.loadLayersModel('file://...') paths are read relative
                 to it, and only inside it (default: the working directory)

Exit status: 0 when no errors were found, 1 when the code has shape errors (check: when a check
fails), 2 on bad usage.
`;

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['model', 'max-steps', 'out', 'steps', 'backend', 'batch', 'timeout', 'memory', 'seed', 'root']));
  if (args.flags.has('version')) {
    console.log(VERSION);
    return 0;
  }
  if (args.flags.has('help') || !args.command) {
    console.log(HELP);
    return args.command || args.flags.has('help') ? 0 : 2;
  }
  switch (args.command) {
    case 'profile':
    case 'lint': {
      enableCompileCache();
      const { profile, lint } = require('./analysis_commands') as typeof import('./analysis_commands');
      return args.command === 'profile' ? profile(args.positional, args.flags) : lint(args.positional, args.flags);
    }
    case 'view': {
      enableCompileCache();
      const { viewCommand } = require('./view') as typeof import('./view');
      return viewCommand(args.positional, args.flags);
    }
    case 'check': {
      enableCompileCache();
      const { checkCommand } = require('./check') as typeof import('./check');
      return checkCommand(args.positional, args.flags);
    }
    default:
      console.error(`convlens: unknown command '${args.command}'\n\n${HELP}`);
      return 2;
  }
}

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

void main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    console.error(`convlens: internal error: ${e.stack ?? e.message}`);
    process.exitCode = 2;
  },
);
