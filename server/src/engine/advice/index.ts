/**
 * Design advice: runs every rule over every model, measures each fix's exact saving by applying
 * its edit and analysing the result again, and words the findings for diagnostics and code actions.
 */
import ts from 'typescript';
import type { ModelValue, LayerNode, LayerValue } from '../tfjs/values';
import { modelNodes, totalParams } from '../tfjs/session';
import type { Diagnostic, ModelReport, Range } from '../report/types';
import { type Loc, rangeOf, sameLoc } from '../source';
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
  fix?: Fix;
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
    const layers: LayerValue[] = [];
    for (const n of nodes) if (n.layer.className !== 'InputLayer' && !layers.includes(n.layer)) layers.push(n.layer);
    const siteLayers = (l: LayerValue) => layers.filter((x) => sameLoc(x.loc, l.loc));
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
    // report.layers lists the model's layer objects in order of first use, InputLayers left out.
    const layerIndex = new Map<unknown, number>();
    for (const n of nodes) if (n.layer.className !== 'InputLayer' && !layerIndex.has(n.layer)) layerIndex.set(n.layer, layerIndex.size);
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
          diagnostic: { range: report.file === file ? report.range : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'information', code: 'internal-error', message: `ConvLens's ${rule.code} rule failed on ${report.name} (a bug in ConvLens, please report it): ${(e as Error).message}` },
        });
      }
      for (const p of proposals) {
        const loc = p.at ? { file, start: p.at.start, end: p.at.end } : placeIn(p.node, file);
        if (!loc) continue;
        const key = `${rule.code}:${report.name}:${loc.start}:${loc.end}`;
        if (seen.has(key)) continue; // a helper's layer flagged once per call site
        seen.add(key);
        const range = rangeOf(loc, sf);
        const basis = basisOf(p);
        let saving: Saving | undefined = p.saving ? { ...p.saving, paramsBasis: basis.params, macsBasis: basis.macs } : undefined;
        let fix: Fix | undefined;
        if (p.fix && p.fix.edits.length) {
          const after = reanalysed(p.fix.edits, text, input.reanalyze, measured);
          // A fix that breaks the file (a helper shared by layers of another shape) is not offered.
          if (after.errors <= input.errors) {
            saving ??= savingOf(after, report, basis);
            fix = { title: p.fix.title(saving), edits: p.fix.edits.map((e) => toTextEdit(e, sf)), saving: { params: saving?.params ?? null, macs: saving?.macs ?? null } };
          }
        }
        // A rule about saving params whose fix does not save any (a helper shared with layers it
        // would not help) says nothing rather than something it cannot deliver.
        if (p.mustSave && (!saving || saving.params === null || saving.params <= 0)) continue;
        findings.push({
          model: report.name,
          layerIndex: layerIndex.get(p.node.layer) ?? -1,
          diagnostic: { range, severity: p.severity, code: rule.code, message: p.message(saving) },
          fix,
        });
      }
    }
  }
  findings.sort((a, b) => a.diagnostic.range.start.line - b.diagnostic.range.start.line);
  return findings;
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
