/**
 * `convlens` — the engine on the command line, for CI and for people without VS Code.
 *   convlens profile FILE [--model NAME] [--json]
 *   convlens lint FILE... [--json]
 *   convlens view FILE [--model NAME] --out arch.html|arch.svg
 *   convlens check FILE [--model NAME] [--steps N] [--backend B] [--json]
 *
 * This entry loads nothing but Node's own modules and small helpers: `--help` and `--version`
 * answer at once, and each command's code (typescript for the analysis, elkjs for view, the
 * runtime for check) is a bundle of its own (build.mjs), required only when that command runs,
 * through a compile cache.
 */
import { statSync } from 'node:fs';
import { format } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseArgs } from './args';
import { enableCompileCache } from './compile_cache';
// Node-free and import-free: bundling it into this entry adds a few lines, not the engine.
import { isStackOverflow } from '../engine/stack_overflow';
import { say, warn } from './terminal';

const HELP = `convlens — shapes, parameters, MACs and design advice for TensorFlow.js CNNs

Usage:
  convlens profile FILE [--model NAME] [--json]   per-layer table: output shape, params, MACs, receptive field
  convlens lint FILE... [--json]                  shape errors and design advice, compiler-style
  convlens view FILE [--model NAME] [--expand] [--dark] --out F
                                                  the architecture as a standalone page (.html) or an SVG
  convlens check FILE [--model NAME] [--steps N] [--backend auto|tfjs-node-gpu|tfjs-node|wasm|cpu]
                 [--batch N] [--timeout S] [--memory MB] [--root DIR] [--json]
                                                  train the real model briefly: initial loss, overfit one
                                                  batch, gradient flow, throughput (runs your code)
  convlens --help | --version

The file is read statically (nothing runs): builders are the functions, arrows, class methods and
variables that yield a tf.sequential() or tf.model(). Relative imports of .ts/.js files are followed
below the file's folder (or --root DIR), regular files up to 1 MB each. A saved model (a tfjs model.json, Keras model.to_json() output, or a
Keras 3 .keras archive) is read as it is, with its weights manifest and shard files checked.

Options:
  --model NAME   only this model (as listed by profile)
  --json         machine-readable output (the contract: docs/report.md)
  --max-steps N  analysis step budget (default 2,000,000)
  --root DIR     where the code runs: imports may be read anywhere below DIR, and check runs the
                 model's code there (default: the folder of FILE)

Exit status: 0 when no errors were found, 1 when the code has shape errors (check: when a check
fails), 2 on bad usage.
`;

const VALUED = new Set(['model', 'max-steps', 'out', 'steps', 'backend', 'batch', 'timeout', 'memory', 'seed', 'root']);

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, VALUED);
  if (args.flags.has('version')) {
    say(VERSION);
    return 0;
  }
  if (args.flags.has('help') || !args.command) {
    say(HELP);
    return args.command || args.flags.has('help') ? 0 : 2;
  }
  const root = args.flags.get('root');
  if (root !== undefined) {
    let isDir = false;
    try {
      isDir = typeof root === 'string' && statSync(root).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) {
      warn(`convlens: --root needs a folder (got ${root === true ? 'nothing' : root})`);
      return 2;
    }
  }
  switch (args.command) {
    case 'profile':
    case 'lint': {
      enableCompileCache();
      const { profileCommand, lintCommand } = require('./analysis_commands') as typeof import('./analysis_commands');
      return args.command === 'profile' ? profileCommand(args.positional, args.flags) : lintCommand(args.positional, args.flags);
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
      warn(`convlens: unknown command '${args.command}'\n\n${HELP}`);
      return 2;
  }
}

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

/**
 * The analysis recurses as deep as the code nests (a file of 1,000 nested brackets is legal
 * TypeScript): where the main thread's ~1 MB stack is not enough, the command runs again in a thread
 * with a 64 MB stack. `profile` and `lint` try the main thread first, their output held back: a
 * thread's start-up cost ~80-100 ms of CPU, a third of a small file's whole run; the engine counts
 * every stack overflow it absorbed (engine/stack_overflow.ts), and one means the answer depended
 * on the stack size, so the held-back output is dropped and the thread answers instead. `view`
 * always uses the thread (it writes a file as it goes); `check` stays on the main thread: it
 * analyses nothing, and it must see Ctrl-C to stop its worker.
 */
const STACK_MB = 64;

function inThread(argv: string[]): void {
  const w = new Worker(__filename, { argv, workerData: { convlensCli: true }, resourceLimits: { stackSizeMb: STACK_MB }, stdout: false, stderr: false });
  let code = 2;
  w.on('message', (m: { code: number }) => (code = m.code));
  w.on('error', crashed);
  w.on('exit', () => {
    if (process.exitCode === undefined) finish(code);
  });
}

/** Runs profile/lint here with its output held back; on a stack overflow, in the 64 MB thread instead. */
async function mainThreadFirst(argv: string[]): Promise<void> {
  const held: [err: boolean, text: string][] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void held.push([false, format(...a)]);
  console.error = (...a: unknown[]) => void held.push([true, format(...a)]);
  let code: number;
  try {
    code = await main(argv);
  } catch (e) {
    console.log = log;
    console.error = error;
    // An overflow no one absorbed: the thread gets the same chance as one absorbed below.
    if (isStackOverflow(e)) return inThread(argv);
    throw e;
  }
  console.log = log;
  console.error = error;
  const commands = require('./analysis_commands') as typeof import('./analysis_commands');
  if (commands.stackOverflowsSeen() > 0) return inThread(argv);
  for (const [err, text] of held) (err ? process.stderr : process.stdout).write(`${text}\n`);
  finish(code);
}

function finish(code: number): void {
  process.exitCode = code;
}

function crashed(e: Error): void {
  warn(`convlens: internal error (a bug in ConvLens, please report it): ${e.message}`);
  if (process.env.CONVLENS_DEBUG) console.error(e.stack);
  process.exitCode = 2;
}

if (!isMainThread && (workerData as { convlensCli?: boolean } | undefined)?.convlensCli) {
  void main(process.argv.slice(2)).then((code) => parentPort!.postMessage({ code }), crashed);
} else if (isMainThread) {
  // `convlens profile big.ts | head`: the reader went away; stop quietly, as other tools do.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  const argv = process.argv.slice(2);
  const { command, flags } = parseArgs(argv, VALUED);
  // --help, --version and check need no deep stack: answered here, without a thread's start-up.
  if (command !== 'profile' && command !== 'lint' && command !== 'view') void main(argv).then(finish, crashed);
  else if (flags.has('help') || flags.has('version')) void main(argv).then(finish, crashed);
  else if (command === 'view' || process.env.CONVLENS_CLI_THREAD) inThread(argv);
  else void mainThreadFirst(argv).catch(crashed);
}
