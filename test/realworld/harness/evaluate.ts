/**
 * One corpus file end to end: the engine's analysis, tfjs's ground truth for every model (and
 * variant) the header lists, the match between them, and the verdicts.
 */
import { readFileSync } from 'node:fs';
import { analyzeSource, type AnalysisResult, type ModelReport } from '../../../server/src/engine';
import { diskHost } from '../../../server/src/host/disk_host';
import type { Header, ModelSpec, VariantSpec } from './header';
import { judge, type Judgement, type Verdict } from './judge';
import { TruthBuilder, type BuiltTruth } from './truth';

export interface ModelResult {
  /** 'createModel' or 'createModel [modelType cnn]'. */
  label: string;
  /** The file decides every size of it (no symbol was read to build it). */
  decided: boolean;
  /** Symbols it depends on. */
  free: string[];
  verdict: Verdict | 'missing';
  judgement?: Judgement;
  /** For 'missing': what the engine reported instead. */
  note?: string;
}

export interface FileResult {
  file: string;
  style: string;
  models: ModelResult[];
  /** Error diagnostics (every corpus file builds in tfjs). */
  falseErrors: string[];
  /** analyzeSource threw, or reported an internal error. */
  crash?: string;
  /** Engine models no header entry accounts for: numbers nobody can check. */
  unchecked: string[];
  /** Information diagnostics about what the engine does not know (issue 11, item 8). */
  noise: number;
}

type Stated = ModelReport & Record<string, unknown>;

const variantOf = (r: Stated): unknown => r.variant;
const isDefault = (r: Stated): boolean => r.default === true || (typeof r.variant === 'object' && r.variant !== null && (r.variant as { default?: unknown }).default === true);
/** Every word of `when` occurs in the variant's label as a whole word ('mlp' is not in 'mlp-l2', 'isArray(x)' not in '!isArray(x)'). */
const mentions = (r: Stated, words: string[]) => {
  const text = JSON.stringify(variantOf(r) ?? '');
  return words.every((w) => new RegExp(`(?<![\\w!-])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'i').test(text));
};

export { mentions };

export async function evaluateFile(path: string, rel: string, header: Header): Promise<FileResult> {
  const result: FileResult = { file: rel, style: header.style, models: [], falseErrors: [], unchecked: [], noise: 0 };
  let analysis: AnalysisResult | undefined;
  try {
    analysis = analyzeSource(readFileSync(path, 'utf8'), path, diskHost);
  } catch (e) {
    result.crash = `analyzeSource threw: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`;
  }
  const diags = analysis?.diagnostics ?? [];
  const internal = diags.filter((d) => d.code === 'internal-error');
  if (internal.length) result.crash = internal.map((d) => d.message).join('; ');
  for (const d of diags) {
    if (d.severity === 'error' && d.code !== 'internal-error') result.falseErrors.push(`line ${d.range.start.line + 1}: ${d.code}: ${d.message}`);
    if (d.severity === 'information' && /unknown-value|user-throw/.test(d.code)) result.noise++;
  }
  const reports = (analysis?.models ?? []).map((m) => m.report as Stated);
  const used = new Set<Stated>();
  const truth = new TruthBuilder(path, header);

  for (const spec of header.models) {
    const names = [spec.name, ...(spec.aliases ?? [])];
    const candidates = reports.filter((r) => names.includes(r.name));
    candidates.forEach((r) => used.add(r));
    if (!spec.variants) {
      const built = await buildOrThrow(truth, spec, spec.build!, rel);
      // The engine may report one builder under several names, or fork a model the file builds one
      // way: every report must still be right, and the model counts once, at its worst verdict.
      result.models.push(candidates.length ? worst(candidates.map((r) => verdictOf(spec.name, r, built, header))) : missing(spec.name, built, reports));
      continue;
    }
    const forked = candidates.filter((r) => variantOf(r) !== undefined);
    const plain = candidates.filter((r) => variantOf(r) === undefined);
    const hasDefault = spec.variants.some((v) => v.default);
    for (const v of spec.variants) {
      const label = `${spec.name} [${v.when.join(' ')}]`;
      const built = await buildOrThrow(truth, spec, v.build, rel);
      const mine = forked.filter((r) => mentions(r, v.when));
      if (mine.length) {
        result.models.push(worst(mine.map((r) => {
          const m = verdictOf(label, r, built, header);
          checkDefault(m, r, v);
          return m;
        })));
        continue;
      }
      // No variant for this condition. One unforked model stands for the default condition when the
      // file has one; without a default it claims to be the model under every condition.
      const stand = plain[0];
      if (stand && (!hasDefault || v.default)) result.models.push(verdictOf(label, stand, built, header));
      else result.models.push(missing(label, built, reports));
    }
    for (const r of forked) if (!spec.variants.some((v) => mentions(r, v.when))) result.unchecked.push(`${r.name} ${short(variantOf(r))} (a variant the header does not list)`);
  }
  for (const r of reports) if (!used.has(r)) result.unchecked.push(r.name);
  return result;
}

async function buildOrThrow(truth: TruthBuilder, spec: ModelSpec, build: NonNullable<ModelSpec['build']>, rel: string): Promise<BuiltTruth> {
  try {
    return await truth.build(build);
  } catch (e) {
    throw new Error(`corpus bug: ${rel} model ${spec.name} does not build in tfjs: ${(e as Error).stack}`);
  }
}

function verdictOf(label: string, r: Stated, built: BuiltTruth, header: Header): ModelResult {
  const j = judge(r, built.instances, header);
  return { label, decided: built.free.length === 0, free: built.free, verdict: j.verdict, judgement: j };
}

const RANK: ModelResult['verdict'][] = ['exact', 'symbolic', 'unknown', 'missing', 'unverifiable', 'wrong'];

/** Several reports for one model: its verdict is the worst of theirs, with every finding kept. */
function worst(ms: ModelResult[]): ModelResult {
  const w = ms.reduce((a, b) => (RANK.indexOf(b.verdict) > RANK.indexOf(a.verdict) ? b : a));
  if (ms.length === 1) return w;
  const all = (k: 'wrong' | 'unverifiable' | 'unknown') => ms.flatMap((m) => m.judgement?.[k] ?? []);
  return { ...w, judgement: { verdict: w.judgement!.verdict, wrong: all('wrong'), unverifiable: all('unverifiable'), unknown: all('unknown') }, note: `reported ${ms.length} times` };
}

function missing(label: string, built: BuiltTruth, reports: Stated[]): ModelResult {
  return { label, decided: built.free.length === 0, free: built.free, verdict: 'missing', note: `engine reports: ${reports.map((r) => r.name).join(', ') || 'no model'}` };
}

function checkDefault(m: ModelResult, r: Stated, v: VariantSpec): void {
  if (isDefault(r) === !!v.default) return;
  m.judgement!.wrong.push(v.default ? 'the file\'s defaults choose this variant, but it is not marked default' : 'marked default, but the file\'s defaults choose another variant');
  m.verdict = 'wrong';
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
