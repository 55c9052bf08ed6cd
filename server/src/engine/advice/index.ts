/**
 * Design advice: runs every rule over every model, measures each fix's exact saving by applying
 * its edit and analysing the result again, and words the findings for diagnostics and code actions.
 *
 * Cost stays linear in the size of the file (each re-analysis is linear, and there is a bounded
 * number of them per file, however many layers and models it holds):
 * - a finding whose message states the measured saving (or that must save to be worth saying) has
 *   its fix measured before it is published, for the first EAGER_PER_RULE of a rule and
 *   EAGER_PER_FILE in all; further ones are summed up, per rule and model, in a finding that says so;
 * - fixes whose saving the rule knows exactly (`useBias: false`, an activation added) are checked
 *   together: the edits of a rule are applied at once and analysed once, and each model must
 *   change by exactly the sum of its savings with no new error;
 * - the rest (and a batch that did not check out) are measured one by one when first read
 *   (`finding.fix` is a getter): the editor reads them when a code action is asked for.
 */
import ts from 'typescript';
import type { ModelValue, LayerNode, LayerValue } from '../tfjs/values';
import { modelNodes, totalParams } from '../tfjs/session';
import type { Diagnostic, ModelReport, Range } from '../report/types';
import { type Loc, rangeOf } from '../source';
import { type AdviceOptions, DEFAULT_ADVICE_OPTIONS, type Proposal, type Rule, type RuleContext, type Saving } from './context';
import { applyEdits, type OffsetEdit } from '../edit/edits';
import { detectStyle, sampleLayerCall } from '../edit/style';
import { reduceChannels } from './rules/reduce_channels';
import { stack3x3 } from './rules/stack_3x3';
import { stem7x7 } from './rules/stem_7x7';
import { gapHead } from './rules/gap_head';
import { deepPlain } from './rules/deep_plain';
import { denseTransition } from './rules/dense_transition';
import { overDownsampled } from './rules/over_downsampled';
import { biasBeforeBn } from './rules/bias_before_bn';
import { dropoutBeforeBn } from './rules/dropout_before_bn';
import { linearStack } from './rules/linear_stack';
import { shrinkWithoutWiden } from './rules/shrink_without_widen';

export const RULES: Rule[] = [
  reduceChannels,
  stack3x3,
  stem7x7,
  gapHead,
  deepPlain,
  denseTransition,
  overDownsampled,
  biasBeforeBn,
  dropoutBeforeBn,
  linearStack,
  shrinkWithoutWiden,
];

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Exact change of the model's totals if the fix is applied (positive: fewer). */
  saving: { params: number | null; macs: number | null };
}

export interface Finding {
  model: string;
  layerIndex: number;
  diagnostic: Diagnostic;
  /**
   * The measured fix, when there is one. May be a getter that measures it on first read (a
   * re-analysis of the file): see fixPending. Undefined when the fix would add an error.
   */
  fix?: Fix;
}

/** Fixes measured one by one before publishing, per rule and in all; past these the findings are summed up. */
export const EAGER_PER_RULE = 8;
export const EAGER_PER_FILE = 24;

const PENDING = Symbol('convlens.pendingFix');

/** Whether reading `f.fix` would measure it now (a re-analysis of the whole file). */
export function fixPending(f: Finding): boolean {
  return PENDING in f;
}

/** Makes `f.fix` measure on first read and keep the answer. */
function deferFix(f: Finding, measure: () => Fix | undefined): void {
  Object.defineProperty(f, PENDING, { value: true, configurable: true, enumerable: false });
  Object.defineProperty(f, 'fix', {
    configurable: true,
    enumerable: true,
    get(): Fix | undefined {
      const fix = measure();
      delete (f as unknown as Record<symbol, unknown>)[PENDING];
      Object.defineProperty(f, 'fix', { value: fix, configurable: true, enumerable: true, writable: true });
      return fix;
    },
  });
}

/** After an edit: totals of each model by name, and how many errors the file has (supplied by analyze.ts). */
export type Reanalyze = (text: string) => { totals: Map<string, { params: number | null; macs: number | null }>; errors: number };

export interface AdviceInput {
  sf: ts.SourceFile;
  file: string;
  models: { value: ModelValue; report: ModelReport }[];
  reanalyze: Reanalyze;
  /** Errors the file has now: a fix that adds any is not offered. */
  errors: number;
  options?: Partial<AdviceOptions>;
}

export function adviseAll(input: AdviceInput): Finding[] {
  const { sf, file } = input;
  const text = sf.text;
  const style = detectStyle(sf, text, sampleLayerCall(sf));
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const measured = new Map<string, ReturnType<Reanalyze>>();
  const eagerByRule = new Map<string, number>();
  let eagerInFile = 0;
  const batches = new Map<string, BatchEntry[]>();
  for (const { value, report } of input.models) {
    const nodes = modelNodes(value);
    const inModel = new Set(nodes);
    const consumers = new Map<LayerNode, LayerNode[]>();
    for (const n of nodes)
      for (const i of n.inputs)
        if (i.node && inModel.has(i.node)) {
          let l = consumers.get(i.node);
          if (!l) consumers.set(i.node, (l = []));
          l.push(n);
        }
    // The model's layer objects in order of first use (InputLayers left out), and by constructing call.
    const layerIndex = new Map<LayerValue, number>();
    const bySite = new Map<string, LayerValue[]>();
    for (const n of nodes) {
      if (n.layer.className === 'InputLayer' || n.layer.opaque || layerIndex.has(n.layer)) continue;
      layerIndex.set(n.layer, layerIndex.size);
      const k = locKey(n.layer.loc);
      let l = bySite.get(k);
      if (!l) bySite.set(k, (l = []));
      l.push(n.layer);
    }
    const siteLayers = (l: LayerValue) => bySite.get(locKey(l.loc)) ?? [];
    const ctx: RuleContext = {
      sf,
      options: { ...DEFAULT_ADVICE_OPTIONS, ...input.options },
      text,
      file,
      style,
      model: value,
      modelName: report.name,
      nodes,
      totalParams: report.totalParams,
      totalMacs: report.macs,
      consumers: (n) => consumers.get(n) ?? [],
      siteLayers,
    };
    const basisOf = (p: Proposal): { params: number | null; macs: number | null } => {
      if (p.basis === 'model') return { params: report.totalParams, macs: report.macs };
      let params: number | null = 0;
      let macs: number | null = 0;
      for (const l of p.at?.layers ?? siteLayers(p.node.layer)) {
        const lp = l.weights ? totalParams(l.weights) : null;
        params = params === null || lp === null ? null : params + lp;
        for (const n of l.nodes) if (inModel.has(n)) macs = macs === null || n.macs === null ? null : macs + n.macs;
      }
      return { params, macs };
    };
    /** Measures one fix by re-analysing the edited file: undefined when it would add an error. */
    const measureOne = (p: Proposal, basis: { params: number | null; macs: number | null }, known: Saving | undefined): { fix?: Fix; saving?: Saving } => {
      const after = reanalysed(p.fix!.edits, text, input.reanalyze, measured);
      // A fix that breaks the file (a helper shared by layers of another shape) is not offered.
      if (after.errors > input.errors) return { saving: known };
      const saving = known ?? savingOf(after, report, basis);
      return { saving, fix: { title: p.fix!.title(saving), edits: p.fix!.edits.map((e) => toTextEdit(e, sf)), saving: { params: saving?.params ?? null, macs: saving?.macs ?? null } } };
    };
    for (const rule of RULES) {
      let proposals: Proposal[];
      try {
        proposals = rule.check(ctx);
      } catch (e) {
        // A rule bug must never cost the user their hints: say so on the model, keep the other rules.
        proposals = [];
        findings.push({
          model: report.name,
          layerIndex: -1,
          diagnostic: { range: modelRange(report, file), severity: 'information', code: 'internal-error', message: `ConvLens's ${rule.code} rule failed on ${report.name} (a bug in ConvLens, please report it): ${(e as Error).message}` },
        });
      }
      let unmeasured = 0;
      let batch = batches.get(rule.code);
      if (!batch) batches.set(rule.code, (batch = []));
      for (const p of proposals) {
        const loc = p.at ? { file, start: p.at.start, end: p.at.end } : placeIn(p.node, file);
        if (!loc) continue;
        const key = `${rule.code}:${report.name}:${loc.start}:${loc.end}`;
        if (seen.has(key)) continue; // a helper's layer flagged once per call site
        seen.add(key);
        const range = rangeOf(loc, sf);
        const basis = basisOf(p);
        const known: Saving | undefined = p.saving ? { ...p.saving, paramsBasis: basis.params, macsBasis: basis.macs } : undefined;
        const hasFix = !!p.fix && p.fix.edits.length > 0;
        // A message that reads the saving (declares the parameter), or a rule that must save, needs the measurement now.
        const needsMeasure = !known && (p.mustSave || p.message.length > 0);
        let saving = known;
        let fix: Fix | undefined;
        if (hasFix && needsMeasure) {
          const eager = eagerByRule.get(rule.code) ?? 0;
          if (eager >= EAGER_PER_RULE || eagerInFile >= EAGER_PER_FILE) {
            unmeasured++;
            continue;
          }
          eagerByRule.set(rule.code, eager + 1);
          eagerInFile++;
          ({ fix, saving } = measureOne(p, basis, known));
        }
        // A rule about saving params whose fix does not save any (a helper shared with layers it
        // would not help) says nothing rather than something it cannot deliver.
        if (p.mustSave && (!saving || saving.params === null || saving.params <= 0)) continue;
        const finding: Finding = {
          model: report.name,
          layerIndex: layerIndex.get(p.node.layer) ?? -1,
          diagnostic: { range, severity: p.severity, code: rule.code, message: p.message(saving) },
        };
        if (fix) finding.fix = fix;
        else if (hasFix && !needsMeasure) {
          if (known) batch.push({ finding, p, saving: known, report, fallback: () => deferFix(finding, () => measureOne(p, basis, known).fix) });
          else deferFix(finding, () => measureOne(p, basis, known).fix);
        }
        findings.push(finding);
      }
      if (unmeasured)
        findings.push({
          model: report.name,
          layerIndex: -1,
          diagnostic: {
            range: modelRange(report, file),
            severity: 'information',
            code: rule.code,
            message: `${unmeasured} more layer${unmeasured === 1 ? '' : 's'} of ${report.name} may call for ${rule.code}: ConvLens measures at most ${EAGER_PER_RULE} such fixes per rule (${EAGER_PER_FILE} per file), to keep advice fast on big files`,
          },
        });
    }
  }
  for (const batch of batches.values()) checkBatch(batch, text, input, measured, sf);
  findings.sort((a, b) => a.diagnostic.range.start.line - b.diagnostic.range.start.line);
  return findings;
}

interface BatchEntry {
  finding: Finding;
  p: Proposal;
  saving: Saving;
  report: ModelReport;
  /** Measure this fix on its own when it is read, instead. */
  fallback: () => void;
}

/**
 * Fixes whose saving the rule knows exactly, checked with one analysis: all their edits applied at
 * once must change each model by the sum of its savings and add no error. Then each fix is offered
 * with its own saving (edits that keep every shape, so they do not interact). When the check fails
 * (or the edits overlap, or a saving is unknown) each fix is measured on its own, lazily.
 */
function checkBatch(batch: BatchEntry[], text: string, input: AdviceInput, cache: Map<string, ReturnType<Reanalyze>>, sf: ts.SourceFile): void {
  if (!batch.length) return;
  // A helper's call flagged in two models carries the same edit twice: it is made once.
  const unique = new Map(batch.flatMap((b) => b.p.fix!.edits).map((e) => [`${e.start}:${e.end}:${e.newText}`, e] as const));
  const edits = [...unique.values()].sort((a, b) => a.start - b.start || a.end - b.end);
  const overlapping = edits.some((e, i) => i > 0 && e.start < edits[i - 1]!.end);
  const sums = new Map<ModelReport, { params: number | null; macs: number | null }>();
  for (const b of batch) {
    const s = sums.get(b.report) ?? { params: 0, macs: 0 };
    sums.set(b.report, {
      params: s.params === null || b.saving.params === null ? null : s.params + b.saving.params,
      macs: s.macs === null || b.saving.macs === null ? null : s.macs + b.saving.macs,
    });
  }
  let ok = batch.length > 1 && !overlapping && [...sums.values()].every((s) => s.params !== null && s.macs !== null);
  if (ok) {
    const after = reanalysed(edits, text, input.reanalyze, cache);
    ok =
      after.errors <= input.errors &&
      [...sums].every(([report, sum]) => {
        const totals = after.totals.get(report.name);
        return !!totals && report.totalParams !== null && report.macs !== null && totals.params === report.totalParams - sum.params! && totals.macs === report.macs - sum.macs!;
      });
  }
  for (const b of batch) {
    if (!ok) b.fallback();
    else b.finding.fix = { title: b.p.fix!.title(b.saving), edits: b.p.fix!.edits.map((e) => toTextEdit(e, sf)), saving: { params: b.saving.params, macs: b.saving.macs } };
  }
}

function modelRange(report: ModelReport, file: string): Range {
  return report.file === file ? report.range : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

function locKey(l: Loc): string {
  return `${l.file}:${l.start}:${l.end}`;
}

/** Where a finding shows: the layer's call if it is in this file, else its application, else nothing. */
function placeIn(n: LayerNode, file: string): Loc | undefined {
  if (n.layer.loc.file === file) return n.layer.loc;
  if (n.applyLoc.file === file) return n.applyLoc;
  return undefined;
}

function reanalysed(edits: OffsetEdit[], text: string, reanalyze: Reanalyze, cache: Map<string, ReturnType<Reanalyze>>): ReturnType<Reanalyze> {
  const edited = applyEdits(text, edits);
  let r = cache.get(edited);
  if (!r) cache.set(edited, (r = reanalyze(edited)));
  return r;
}

function savingOf(r: ReturnType<Reanalyze>, report: ModelReport, basis: { params: number | null; macs: number | null }): Saving | undefined {
  const after = r.totals.get(report.name);
  if (!after) return undefined;
  const sub = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  return {
    params: sub(report.totalParams, after.params),
    macs: sub(report.macs, after.macs),
    paramsBasis: basis.params,
    macsBasis: basis.macs,
  };
}

function toTextEdit(e: OffsetEdit, sf: ts.SourceFile): TextEdit {
  return { range: rangeOf(e, sf), newText: e.newText };
}
