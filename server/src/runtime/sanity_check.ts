/**
 * The training sanity check (Karpathy's "recipe for training neural networks", Lightning's
 * overfit_batches), on a model already built in real tfjs:
 *   1. forward a random batch: output shape as the engine predicted, no NaN/Inf;
 *   2. loss at init against ln(classes) for softmax heads (ln 2 per output for sigmoid heads);
 *   3. overfit one fixed batch for N steps: the loss must fall below a stated fraction of its start;
 *   4. gradient flow per layer at the first and last step (see gradient_flow.ts);
 *   5. throughput, step time and peak memory of those steps.
 * Runs in the worker process; streams events through `emit`.
 */
import type { ModelReport, Shape } from '../engine/report/types';
import type { BackendAttempt, BackendName } from './backend_diagnosis';
import type { CheckResult, CheckVerdict, LayerGradient, StepTiming, WorkerEvent } from '../../../protocol/worker';
import { flagGradients, measureGradients, VANISHING_RATIO } from './gradient_flow';
import { pairLayers } from './layer_map';
import { chooseBatchSize, prepareTraining, type TrainingSetup } from './training_setup';
import { DEFAULT_SEED } from './seeded_random';
import type { LayersModel, Tf } from './tf_types';

export interface SanityInput {
  tf: Tf;
  model: LayersModel;
  /** The engine's report of this model (expected shapes, source ranges); undefined when it has none. */
  report?: ModelReport;
  file: string;
  name: string;
  backend: { name: BackendName; device: 'gpu' | 'cpu'; attempts: BackendAttempt[]; kernels: string[] };
  steps?: number;
  batchSize?: number;
  lossFraction?: number;
  /** Seeds the batch and labels (the caller seeds Math.random, and with it the weights, before building). */
  seed?: number;
  /** Stop the overfit loop early (and say so) past this many ms since the check started. */
  budgetMs?: number;
  available?: string[];
  emit?: (e: WorkerEvent) => void;
}

export const DEFAULT_STEPS = 50;
export const DEFAULT_LOSS_FRACTION = 0.5;

/** Numbers for people: 3 significant digits, exponent outside [0.01, 1e5). */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a < 0.01 || a >= 1e5) return x.toExponential(2);
  return a >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString();
}
const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;
const line = (l: LayerGradient) => (l.range ? `${l.name} (line ${l.range.start.line + 1})` : l.name);

export async function runSanityCheck(input: SanityInput): Promise<CheckResult> {
  const { tf, model, report } = input;
  const emit = input.emit ?? (() => {});
  const steps = Math.max(1, input.steps ?? DEFAULT_STEPS);
  const fraction = input.lossFraction ?? DEFAULT_LOSS_FRACTION;
  const started = Date.now();
  const phases: Record<string, number> = {};
  const timed = async <T>(phase: string, f: () => T | Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      phases[phase] = Math.round(performance.now() - t);
    }
  };
  const checks: CheckVerdict[] = [];
  const verdict = (c: Omit<CheckVerdict, 'passed'>) => {
    const v = { ...c, passed: c.status !== 'fail' };
    checks.push(v);
    emit({ type: 'check', check: v });
    return v;
  };

  const batchSize = input.batchSize ?? chooseBatchSize(report?.activationBytes ?? null, report?.macs ?? null, input.backend.device);
  const pairs = pairLayers(model as never, report);
  emit({ type: 'phase', phase: 'forward', message: `forwarding a random batch of ${batchSize}` });
  const seed = input.seed ?? DEFAULT_SEED;
  const setup: TrainingSetup = await timed('setup', () => prepareTraining(tf, model, { batchSize, seed, inputShapes: report?.inputShapes }));
  emit({
    type: 'model',
    name: input.name,
    params: model.countParams(),
    layers: pairs.length,
    inputShapes: model.inputs.map((i) => i.shape as Shape),
    outputShapes: model.outputs.map((o) => o.shape as Shape),
    batchSize,
    lossName: setup.lossName,
    optimizerName: setup.optimizerName,
    compiledByBuilder: setup.compiledByBuilder,
    lossFraction: fraction,
    available: input.available ?? [input.name],
  });

  try {
    // 1. Forward.
    const forward = await timed('forward', () =>
      tf.tidy(() => {
        const out = model.predict(setup.inputs.length === 1 ? setup.inputs[0]! : setup.inputs);
        const outs = Array.isArray(out) ? out : [out];
        return outs.map((o) => ({ shape: o.shape, finite: tf.all(tf.isFinite(o)).dataSync()[0] === 1 }));
      }),
    );
    verdict(shapeVerdict(forward.map((f) => f.shape), report, batchSize));
    const bad = forward.findIndex((f) => !f.finite);
    verdict(
      bad < 0
        ? { id: 'finite-output', title: 'Finite output', status: 'pass', message: 'No NaN or Infinity in the output of a random batch.' }
        : { id: 'finite-output', title: 'Finite output', status: 'fail', blame: 'model', message: `Output ${bad} holds NaN or Infinity already at initialisation: look for a division, log or exp of unbounded values, or a huge initialiser.` },
    );

    // 2. Loss at init, and the first gradients.
    emit({ type: 'phase', phase: 'gradients', message: 'gradient norms at initialisation' });
    const first = await timed('gradients-first', () => measureGradients(tf, setup.lossFn, pairs, input.file));
    const firstFlagged = flagGradients(first.layers, true);
    emit({ type: 'gradients', when: 'first', step: 0, layers: firstFlagged });
    verdict(initialLossVerdict(first.loss, setup));

    // 3. Overfit one batch.
    emit({ type: 'phase', phase: 'overfit', message: `overfitting one batch of ${batchSize} for ${steps} steps` });
    const losses: number[] = [];
    const stepMs: number[] = [];
    let peakBytes = tf.memory().numBytes;
    let stoppedEarly = false;
    const x = setup.inputs.length === 1 ? setup.inputs[0]! : setup.inputs;
    const y = setup.targets.length === 1 ? setup.targets[0]! : setup.targets;
    const t0 = performance.now();
    for (let s = 1; s <= steps; s++) {
      const t = performance.now();
      let value: number | number[];
      if (s === 1) {
        // The first step pays for warm-up and is left out of the timing: profile it for peak memory.
        const info = await tf.profile(() => model.trainOnBatch(x, y) as never);
        value = info.result as unknown as number | number[];
        peakBytes = Math.max(peakBytes, info.peakBytes);
      } else value = await model.trainOnBatch(x, y);
      const ms = performance.now() - t;
      const loss = Array.isArray(value) ? value[0]! : value;
      if (s > 1) stepMs.push(ms);
      losses.push(loss);
      peakBytes = Math.max(peakBytes, tf.memory().numBytes);
      emit({ type: 'step', step: s, total: steps, loss, ms });
      // tfjs's awaits on wasm/cpu resolve as microtasks: without a macrotask turn the event loop
      // never polls (no parent-death check, no child reaping) for the whole loop.
      await new Promise((r) => setImmediate(r));
      if (!Number.isFinite(loss)) break;
      if (input.budgetMs !== undefined && Date.now() - started > input.budgetMs && s < steps) {
        stoppedEarly = true;
        break;
      }
    }
    phases.overfit = Math.round(performance.now() - t0);

    // 4. Last gradients (their pass also gives the loss after the last update).
    const last = await timed('gradients-last', () => measureGradients(tf, setup.lossFn, pairs, input.file));
    const lastFlagged = flagGradients(last.layers, false);
    emit({ type: 'gradients', when: 'last', step: losses.length, layers: lastFlagged });
    losses.push(last.loss);
    verdict(overfitVerdict(losses, fraction, setup, firstFlagged, stoppedEarly, steps));
    verdict(gradientVerdict(firstFlagged, lastFlagged));

    // 5. Throughput.
    const timing = stepTiming(stepMs, batchSize, peakBytes);
    verdict(
      timing
        ? {
            id: 'throughput',
            title: 'Throughput',
            status: 'pass',
            message: `${fmt(timing.imagesPerSecond)} images/s training on ${input.backend.name} (${input.backend.device}): ${fmt(timing.stepMs)} ms per step of ${batchSize}, peak ${fmt(timing.peakBytes / 2 ** 20)} MiB of tensors.`,
          }
        : { id: 'throughput', title: 'Throughput', status: 'skip', message: 'Too few steps ran to time one (the first step is warm-up).' },
    );

    const result: CheckResult = {
      file: input.file,
      model: input.name,
      backend: input.backend.name,
      device: input.backend.device,
      backendAttempts: input.backend.attempts,
      kernels: input.backend.kernels,
      passed: checks.every((c) => c.passed),
      checks,
      losses,
      imagesPerSecond: timing?.imagesPerSecond ?? null,
      timing,
      gradients: firstFlagged.map((g, i) => ({ ...g, lastNorm: lastFlagged[i]?.norm ?? null })),
      batchSize,
      seed,
      steps: losses.length - 1,
      lossName: setup.lossName,
      optimizerName: setup.optimizerName,
      compiledByBuilder: setup.compiledByBuilder,
      phases,
    };
    return result;
  } finally {
    setup.dispose();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function stepTiming(stepMs: number[], batchSize: number, peakBytes: number): StepTiming | null {
  if (!stepMs.length) return null;
  const ms = median(stepMs);
  return { stepMs: ms, imagesPerSecond: (1000 * batchSize) / ms, batchSize, peakBytes };
}

export function shapeVerdict(actual: number[][], report: ModelReport | undefined, batch: number): Omit<CheckVerdict, 'passed'> {
  const title = 'Output shape';
  const show = (s: (number | null)[]) => `[${s.map((d) => (d === null ? 'null' : d)).join(', ')}]`;
  if (!report) return { id: 'forward-shape', title, status: 'skip', message: `ConvLens found no model of this name statically, so there is no prediction to compare; tfjs produced ${actual.map(show).join(', ')}.` };
  const expected = report.outputShapes;
  const unknown: string[] = [];
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i];
    const a = actual[i]!;
    const ok = !!e && e.length === a.length && e.every((d, j) => d === null || (j === 0 && d === batch) || d === a[j]);
    if (!ok) {
      return {
        id: 'forward-shape',
        title,
        status: 'fail',
        blame: 'convlens',
        message: `ConvLens predicted ${e ? show(e) : 'no output'} for output ${i} but tfjs produced ${show(a)} (batch ${batch}). This is a bug in ConvLens's shape analysis, not in your model: please report it with this file.`,
      };
    }
    if (e!.slice(1).some((d) => d === null)) unknown.push(show(e!));
  }
  const note = unknown.length ? ` (ConvLens left some dims open: ${unknown.join(', ')})` : '';
  return { id: 'forward-shape', title, status: 'pass', message: `tfjs produced ${actual.map(show).join(', ')} for a batch of ${batch}, as ConvLens predicted${note}.` };
}

export function initialLossVerdict(loss: number, setup: Pick<TrainingSetup, 'heads' | 'lossName'>): Omit<CheckVerdict, 'passed'> {
  const title = 'Loss at init';
  const head = setup.heads[0]!;
  if (!Number.isFinite(loss)) return { id: 'initial-loss', title, status: 'fail', blame: 'model', message: `The loss at initialisation is ${loss}: the forward pass or the loss overflows before any training.` };
  let expected: number | undefined;
  let why = '';
  if (setup.heads.length === 1 && /categoricalCrossentropy/i.test(setup.lossName) && head.units > 1) {
    expected = Math.log(head.units);
    why = `ln(${head.units} classes)`;
  } else if (setup.heads.length === 1 && /binaryCrossentropy/i.test(setup.lossName)) {
    expected = Math.log(2);
    why = 'ln 2 per sigmoid output';
  }
  const mismatch = headLossMismatch(setup);
  if (mismatch) return { id: 'initial-loss', title, status: 'fail', blame: 'model', message: `Loss at init ${fmt(loss)}${expected ? ` against ${fmt(expected)} = ${why}` : ''}: ${mismatch}.` };
  if (expected === undefined) return { id: 'initial-loss', title, status: 'skip', message: `Loss at init ${fmt(loss)} (${setup.lossName}); no reference value for this head and loss.` };
  const ratio = loss / expected;
  const base = `Loss at init ${fmt(loss)}, expected about ${fmt(expected)} = ${why} for an untrained ${head.kind} head`;
  const band = initialLossBand(expected);
  if (loss >= band.passLow && loss <= band.passHigh) return { id: 'initial-loss', title, status: 'pass', message: `${base} (within ${fmt(band.passLow)}–${fmt(band.passHigh)}).` };
  const high = loss > band.passHigh;
  const cause = high
    ? head.kind === 'softmax'
      ? 'the head is over-confident at init (weights too large, or activations that grow through the network) or its output is not a probability distribution'
      : 'the output is over-confident at init'
    : 'the loss is lower than chance before training: the targets may leak into the input, or the loss is not the one the head needs';
  const far = loss > band.failHigh || loss < band.failLow;
  return { id: 'initial-loss', title, status: far ? 'fail' : 'warn', blame: 'model', message: `${base}: ${fmt(ratio)}× that. Likely ${cause}.` };
}

/**
 * Where a healthy untrained model's loss falls. Logits with variance σ² give an expected
 * cross-entropy of about ln C + σ²/2 (ln 2 + σ²/2 per sigmoid output), and the usual initialisers
 * keep σ² near 1, so a healthy model sits just above the reference: on the reference CNN over 200
 * seeds the loss was 0.955–1.242 × ln 10 (npm run bench -- verdicts). The band allows an excess of
 * half the reference or 1 nat (σ² ≈ 2), whichever is more, so small-C heads (ln 2 = 0.69) are
 * not warned for ordinary spread; a loss more than twice the excess away (or below a quarter of
 * the reference: better than chance before training) is a fault. The over-confident fixture
 * (stddev-1 head weights) measured 3.45–6.81 × ln 10 over the same seeds.
 */
export function initialLossBand(expected: number): { passLow: number; passHigh: number; failLow: number; failHigh: number } {
  const excess = Math.max(0.5 * expected, 1);
  return { passLow: 0.5 * expected, passHigh: expected + excess, failLow: 0.25 * expected, failHigh: expected + 2 * excess };
}

/** A loss that expects probabilities on a head that does not produce them (a missing softmax/sigmoid). */
export function headLossMismatch(setup: Pick<TrainingSetup, 'heads' | 'lossName'>): string | undefined {
  const head = setup.heads[0]!;
  if (/^categoricalCrossentropy/i.test(setup.lossName) && head.kind !== 'softmax') {
    return `the last layer (${head.layerName}) has a ${head.kind} output, but categorical cross-entropy expects probabilities: add activation: 'softmax' to it (or compute the loss from logits yourself)`;
  }
  if (/^binaryCrossentropy/i.test(setup.lossName) && head.kind === 'linear') {
    return `the last layer (${head.layerName}) has a linear output, but binary cross-entropy expects probabilities in [0, 1]: add activation: 'sigmoid' to it`;
  }
  return undefined;
}

export function overfitVerdict(
  losses: number[],
  fraction: number,
  setup: Pick<TrainingSetup, 'heads' | 'optimizerName' | 'batchSize' | 'compiledByBuilder' | 'lossName'>,
  firstGrads: LayerGradient[],
  stoppedEarly: boolean,
  planned: number,
): Omit<CheckVerdict, 'passed'> {
  const title = 'Overfit one batch';
  const start = losses[0]!;
  const n = losses.length - 1;
  const nanAt = losses.findIndex((l) => !Number.isFinite(l));
  if (nanAt >= 0) return { id: 'overfit', title, status: 'fail', blame: 'model', message: `The loss became ${losses[nanAt]} after ${nanAt} steps (${setup.optimizerName}): training diverges; lower the learning rate or look for an unstable op.` };
  const best = Math.min(...losses.slice(-5));
  const reached = best / start;
  const how = `${n} steps of ${setup.optimizerName} on one batch of ${setup.batchSize}${stoppedEarly ? ` (stopped at the time limit, ${planned} planned)` : ''}`;
  if (best <= fraction * start) {
    return { id: 'overfit', title, status: 'pass', message: `The loss fell from ${fmt(start)} to ${fmt(best)} (${pct(reached)} of its start, needed below ${pct(fraction)}) in ${how}: the model can memorise a batch.` };
  }
  const hints: string[] = [];
  const mismatch = headLossMismatch(setup);
  if (mismatch) hints.push(mismatch);
  const dbl = setup.heads.find((h) => h.doubleSoftmax);
  if (dbl) hints.push(`the output goes through softmax twice (${dbl.doubleSoftmax![0]} then ${dbl.doubleSoftmax![1]}): the second squashes the probabilities towards uniform; keep one`);
  const dead = firstGrads.filter((g) => g.flag === 'dead');
  if (dead.length) hints.push(`no gradient reaches ${dead.length} layer(s) (${dead.slice(0, 3).map(line).join(', ')}): dead ReLUs, e.g. a large negative bias`);
  const vanishing = firstGrads.filter((g) => g.flag === 'vanishing');
  if (vanishing.length) hints.push(`the gradient vanishes in ${vanishing.length} layer(s): add skip connections or batch normalisation`);
  if (!hints.length && setup.compiledByBuilder) hints.push(`check the learning rate of your optimizer (${setup.optimizerName})`);
  if (stoppedEarly) hints.push('the run hit its time limit: try more time (--timeout) or fewer steps on a faster backend');
  return {
    id: 'overfit',
    title,
    status: 'fail',
    blame: 'model',
    message: `${best < start ? 'The loss only fell' : 'The loss did not fall: it went'} from ${fmt(start)} to ${fmt(best)} (${pct(reached)} of its start; needed below ${pct(fraction)}) in ${how}: the model cannot memorise even one batch.${hints.length ? ` Likely: ${hints.join('; ')}.` : ''}`,
  };
}

export function gradientVerdict(first: LayerGradient[], last: LayerGradient[]): Omit<CheckVerdict, 'passed'> {
  const title = 'Gradient flow';
  if (!first.length) return { id: 'gradient-flow', title, status: 'skip', message: 'The model has no trainable weights.' };
  const finite = first.filter((g) => Number.isFinite(g.norm));
  const top = finite.reduce((a, b) => (b.norm > a.norm ? b : a), finite[0] ?? first[0]!);
  const earliest = first[0]!;
  const summary = `At init the earliest layer ${line(earliest)} gets ‖g‖ = ${fmt(earliest.norm)}, the largest is ${fmt(top.norm)} (${line(top)})${top.norm > 0 ? `, a ratio of ${fmt(earliest.norm / top.norm)}` : ''}.`;
  const problems: string[] = [];
  const indices = new Set<number>();
  const note = (label: string, rows: LayerGradient[], advice: string) => {
    if (!rows.length) return;
    rows.forEach((r) => r.layerIndex !== null && indices.add(r.layerIndex));
    problems.push(`${label} in ${rows.length} layer(s): ${rows.slice(0, 4).map(line).join(', ')}${rows.length > 4 ? ', …' : ''} (${advice})`);
  };
  note('not finite', [...first, ...last].filter((g) => g.flag === 'not-finite'), 'NaN/Inf in the backward pass');
  note('dead (zero gradient)', first.filter((g) => g.flag === 'dead'), 'nothing flows back: dead ReLUs or a cut path');
  note('vanishing', first.filter((g) => g.flag === 'vanishing'), `below ${VANISHING_RATIO} of the largest layer's: add residual connections or batch normalisation`);
  const exploding = [...first, ...last].filter((g) => g.flag === 'exploding');
  note('exploding', exploding.filter((g, i) => exploding.findIndex((h) => h.name === g.name) === i), 'gradient over 100× the weights: lower the learning rate, normalise, or clip');
  if (!problems.length) return { id: 'gradient-flow', title, status: 'pass', message: `${summary} No layer vanishes, dies or explodes.` };
  return { id: 'gradient-flow', title, status: 'fail', blame: 'model', message: `${summary} Problems: ${problems.join('; ')}.`, layers: [...indices].sort((a, b) => a - b) };
}
