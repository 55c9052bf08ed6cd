/**
 * Exploring an entry point's paths and turning them into variants. The entry runs once per path
 * (paths.ts); then:
 * - paths that throw are dropped (a guard on an unknown value is the other path's business);
 * - an error is an error only when every remaining path has it; a path with errors the others do
 *   not have is dropped too (tfjs would fail there), and its errors become hints that say when;
 * - paths that build the same models merge; different models become variants, each labelled by
 *   the conditions that set it apart, `default` when the file's own defaults pick it.
 */
import type ts from 'typescript';
import type { InterpDriver } from '../interp/api';
import type { ModuleRecord } from '../interp/modules';
import type { Value } from '../interp/values';
import type { Decision } from '../interp/paths';
import type { BudgetLimits } from '../interp/budget';
import type { EngineDiagnostic } from '../source';
import type { TfSession } from '../tfjs/session';
import { modelNodes } from '../tfjs/session';
import type { ModelCondition, ModelValue, ModelVariant } from '../tfjs/values';
import { describe } from '../report/model_report';
import type { Loc } from '../source';

/** One run of an entry along one path, with what it built and said. */
interface PathResult {
  decisions: Decision[];
  threw: boolean;
  capped: boolean;
  models: ModelValue[];
  diags: EngineDiagnostic[];
}

/**
 * Run `run` as an entry point along every path its undecidable conditions open (within the
 * limits), then keep the models and diagnostics the merged paths give. Returns how many runs it took.
 */
export function explore(interp: InterpDriver, session: TfSession, rec: ModuleRecord, at: ts.Node, run: () => Value, limits: BudgetLimits): number {
  const results: PathResult[] = [];
  const queue: number[][] = [[]];
  let steps = 0;
  while (queue.length && results.length < limits.maxPaths && (results.length === 0 || steps <= limits.maxSteps)) {
    const plan = queue.shift()!;
    const models0 = session.models.length;
    const diags0 = interp.diagnostics.length;
    const r = interp.runEntry(at, rec, run, plan);
    steps += r.steps;
    const models = session.models.splice(models0);
    const diags = interp.diagnostics.slice(diags0);
    interp.dropDiagnosticsSince(diags0);
    const trace = r.path.trace;
    results.push({ decisions: trace, threw: r.outcome.kind === 'threw', capped: r.path.capped, models, diags });
    // Every other option of every decision this run took first (beyond its plan) is a path to run.
    queue.push(...otherPlans(trace, plan.length, limits.maxDecisions));
  }
  const unexplored = queue.length + results.filter((r) => r.capped).length;
  keep(interp, session, results, unexplored);
  return results.length;
}

/** One run of the module's top level along one path (analyze.ts runs each in a fresh interpreter). */
export interface TopLevelRun {
  decisions: Decision[];
  threw: boolean;
  capped: boolean;
  models: ModelValue[];
}

/**
 * The plans that take another option at each decision a run took past its own plan: the paths still
 * to run (explore's rule, for the module's top level).
 */
export function otherPlans(trace: Decision[], planLength: number, maxDecisions: number): number[][] {
  const out: number[][] = [];
  for (let i = planLength; i < Math.min(trace.length, maxDecisions); i++) {
    const prefix = trace.slice(0, i).map((d) => d.chosen);
    trace[i]!.options.forEach((_, alt) => {
      if (alt !== trace[i]!.chosen) out.push([...prefix, alt]);
    });
  }
  return out;
}

/** The top level's models over its paths, merged as an entry's are: the same graph once, the rest variants. */
export function keepTopLevel(interp: InterpDriver, session: TfSession, runs: TopLevelRun[], unexplored: number): void {
  keep(interp, session, runs.map((r) => ({ ...r, diags: [] })), unexplored);
}

function keep(interp: InterpDriver, session: TfSession, results: PathResult[], unexplored: number): void {
  if (results.length === 1) {
    session.models.push(...results[0]!.models);
    for (const d of results[0]!.diags) interp.report(d);
    return;
  }
  let kept = results.filter((r) => !r.threw);
  if (!kept.length) kept = [results[0]!]; // every path throws: the first says why
  const errorKeys = kept.map((r) => new Set(r.diags.filter((d) => d.severity === 'error').map(diagKey)));
  const common = new Set([...errorKeys[0]!].filter((k) => errorKeys.every((s) => s.has(k))));
  const clean = kept.filter((_, i) => [...errorKeys[i]!].every((k) => common.has(k)));
  const chosen = clean.length ? clean : kept;

  // Errors only some paths have: at most a hint (a warning when no path is free of them), saying when.
  const said = new Set<string>();
  const say = (d: EngineDiagnostic) => {
    const k = diagKey(d);
    if (said.has(k)) return;
    said.add(k);
    interp.report(d);
  };
  for (const r of kept) {
    for (const d of r.diags) {
      if (d.severity !== 'error' || common.has(diagKey(d))) {
        if (chosen.includes(r)) say(d);
        continue;
      }
      const when = conditionsOf(r.decisions).map((c) => c.text).join(', ');
      say({ ...d, severity: clean.length ? 'hint' : 'warning', message: `${when ? `when ${when}: ` : ''}${d.message}` });
    }
  }

  // Paths that build the same models are one; the rest are variants.
  const groups = new Map<string, PathResult[]>();
  for (const r of chosen) {
    const key = r.models.map(fingerprint).join('\n');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const withModels = [...groups.entries()].filter(([k]) => k !== '');
  if (withModels.length <= 1) {
    const g = withModels[0]?.[1];
    if (g) session.models.push(...g[0]!.models);
    return;
  }
  const all = withModels.map(([, g]) => g);
  // A model every path that makes it makes the same way is no variant: a condition about something
  // else (a route's input check, a cache hit, another model's option) split the paths. Reported once.
  // Not when another path's model goes by the same builder's name from elsewhere (a switch over
  // model kinds: each case's model is a variant of the builder's).
  const bySite = new Map<string, { prints: Set<string>; builder: unknown }>();
  const sitesOfBuilder = new Map<unknown, Set<string>>();
  for (const r of chosen) siteKeys(r.models).forEach((k, i) => {
    const m = r.models[i]!;
    const builder = m.returnedBy?.node ?? k;
    let s = bySite.get(k);
    if (!s) bySite.set(k, (s = { prints: new Set(), builder }));
    s.prints.add(fingerprint(m));
    let b = sitesOfBuilder.get(builder);
    if (!b) sitesOfBuilder.set(builder, (b = new Set()));
    b.add(k);
  });
  const invariant = new Set([...bySite].filter(([, s]) => s.prints.size === 1 && sitesOfBuilder.get(s.builder)!.size === 1).map(([k]) => k));
  const emitted = new Set<string>();
  for (const g of all) {
    const variant = variantOf(g, all);
    if (unexplored) variant.unexplored = unexplored;
    const keys = siteKeys(g[0]!.models);
    g[0]!.models.forEach((m, i) => {
      if (invariant.has(keys[i]!)) {
        if (!emitted.has(keys[i]!)) session.models.push(m);
        emitted.add(keys[i]!);
        return;
      }
      m.variant = variant;
      session.models.push(m);
    });
  }
}

/** Where each model of a path was made (`tf.sequential` / `tf.model` call), with its count there (a loop makes several). */
function siteKeys(models: ModelValue[]): string[] {
  const seen = new Map<string, number>();
  return models.map((m) => {
    const site = `${m.loc.file}:${m.loc.start}`;
    const n = seen.get(site) ?? 0;
    seen.set(site, n + 1);
    return `${site}#${n}`;
  });
}

/** A decision's identity across runs: where its condition is. */
function decisionId(d: Decision): string {
  return `${d.module.path}:${d.node.pos}:${d.kind}`;
}

/**
 * The conditions that set a group of paths apart from the other groups. Each path says its own
 * (a group of several says them joined by "or"); the group is the default variant when it holds
 * the path the file's own defaults take at every decision.
 */
function variantOf(group: PathResult[], all: PathResult[][]): ModelVariant {
  const others = all.filter((g) => g !== group).flat();
  const perPath = group.map((r) => pathConditions(r, others));
  const labels = [...new Set(perPath.map((cs) => cs.map((c) => c.text).join(', ')))].filter(Boolean);
  const info: ModelVariant = { label: labels.join(' or '), conditions: perPath[0]! };
  if (group.some((r) => r.decisions.length > 0 && r.decisions.every((d) => d.defaultOption !== undefined && d.chosen === d.defaultOption))) info.default = true;
  return info;
}

/** What one path decided that other variants decided otherwise, or that names a value (`kind = 'gru'`). */
function pathConditions(r: PathResult, others: PathResult[]): ModelCondition[] {
  const kept: Decision[] = [];
  const seen = new Set<string>();
  for (const d of r.decisions) {
    const id = decisionId(d);
    if (seen.has(id)) continue;
    seen.add(id);
    const differs = others.some((o) => o.decisions.some((x) => decisionId(x) === id && x.chosen !== d.chosen));
    if (differs || d.positive?.[d.chosen]) kept.push(d);
  }
  // `kind = 'gru'` says all there is: `kind ≠ 'lstm'` before it goes.
  const named = new Set(kept.filter((d) => d.subject !== undefined && d.positive?.[d.chosen]).map((d) => d.subject));
  return kept.filter((d) => d.positive?.[d.chosen] || !named.has(d.subject)).map(conditionOf);
}

function conditionsOf(decisions: Decision[]): ModelCondition[] {
  return decisions.map(conditionOf);
}

function conditionOf(d: Decision): ModelCondition {
  const sf = d.module.sourceFile;
  const loc: Loc = { file: d.module.path, start: d.node.pos >= 0 ? d.node.getStart(sf) : 0, end: Math.max(d.node.end, 0) };
  const c: ModelCondition = { text: d.options[d.chosen]!, kind: d.kind, loc };
  if (d.defaultOption !== undefined) c.byDefault = d.chosen === d.defaultOption;
  return c;
}

function diagKey(d: EngineDiagnostic): string {
  return `${d.loc.file}:${d.loc.start}:${d.loc.end}:${d.code}:${d.message}`;
}

/** What makes two models the same graph: kind, each node's layer, connections, shapes and weights. */
export function fingerprint(m: ModelValue): string {
  const nodes = modelNodes(m);
  const index = new Map(nodes.map((n, i) => [n, i] as const));
  // Why something is unknown is worded after where it came from: two paths to the same graph say it differently.
  const parts = [m.kind, m.name ?? '', String(m.incomplete.length)];
  for (const n of nodes) {
    const l = n.layer;
    const act = typeof l.rawConfig.activation === 'string' ? l.rawConfig.activation : '';
    const w = l.weights ? l.weights.map((x) => `${x.name}${JSON.stringify(x.shape)}`).join(',') : '?';
    const ins = n.inputs.map((t) => (t.node ? (index.get(t.node) ?? 'x') : '?')).join(',');
    parts.push(`${l.className}|${l.opaque ? '?' : ''}|${l.name ?? ''}|${describe(l)}|${act}|${w}|${ins}|${JSON.stringify(n.output.shape)}|${n.error ?? ''}`);
  }
  return parts.join('\n');
}
