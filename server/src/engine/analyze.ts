/**
 * analyzeSource: the engine's entry point. Runs the file through the abstract interpreter, finds the
 * functions, methods and variables that yield models (builders), and derives reports and graphs.
 */
import ts from 'typescript';
import { Interpreter } from './interp/interpreter';
import type { InterpDriver } from './interp/api';
import { AnalysisCancelled, DEFAULT_LIMITS, type BudgetLimits, type CancellationToken } from './interp/budget';
import { type AnalysisHost, type ModuleRecord, normalizePath } from './interp/modules';
import type { Closure } from './interp/values';
import { TfSession, modelNodes } from './tfjs/session';
import { TfNamespace, isTfjsPackage } from './tfjs/namespace';
import { NodePathModule, isNodePathPackage } from './interp/node_path';
import { VueModule, isVuePackage } from './interp/vue';
import { ZustandModule, isZustandPackage } from './interp/zustand';
import { ReactModule, isReactPackage } from './interp/react';
import { PiniaModule, isPiniaPackage } from './interp/pinia';
import { loadLayersModel } from './saved/load_model';
import { ModelValue } from './tfjs/values';
import { snapshotTrainable } from './tfjs/trainable';
import { type Loc, type Range, lineAt, rangeIn, type EngineDiagnostic } from './source';
import { buildModel, type GroupSummary, type GroupTotals, type Placer } from './report/model_report';
import type { LayerLines, LayerSite } from './report/site_tallies';
import { addSymbolicSizes } from './report/symbolic_sizes';
import type { Diagnostic, LayerReport, ModelGraph, ModelReport, Report } from './report/types';
import { adviseAll, type Finding } from './advice';
import { parseRecovering } from './syntax/recover';
import type { ParseMemory } from './syntax/parse_memory';
import { declarationScopes, duplicateDeclarations, isDeclaredAt } from './syntax/early_errors';
import { GLOBAL_NAMES } from './interp/global_names';
import { type CallRecord, runBuilders } from './analysis/builders';
import { type TopLevelRun, fingerprint, keepTopLevel, otherPlans } from './analysis/variants';
import type { Frame } from './interp/frame';
import type { AdviceOptions } from './advice/context';

export interface AnalysisOptions {
  limits?: Partial<BudgetLimits>;
  /** Run the design rules too (each fix's saving is measured by analysing the edited text). */
  advice?: boolean;
  /** Checked while the analysis runs: once it reads true, analyzeSource throws AnalysisCancelled within about a millisecond. */
  cancellation?: CancellationToken;
  /** The rules' thresholds (defaults: DEFAULT_ADVICE_OPTIONS). */
  adviceOptions?: Partial<AdviceOptions>;
  /** Parses kept from earlier analyses of this session: the file is re-parsed incrementally, unchanged imports not at all. */
  parses?: ParseMemory;
}

export interface AnalyzedModel {
  report: ModelReport;
  /** Built on first read: an edit's hints and diagnostics need it only where `hasGroups`. */
  graph: ModelGraph;
  /** The graph has groups (helper calls that built layers). */
  hasGroups: boolean;
  /** The graph's groups with their MACs and errors, built on first read without the rest of the graph. */
  groups: GroupSummary[];
  /** The same totals as columns, and summed per call site for the inlay hints, built on first read. */
  groupTotals: GroupTotals;
  /** The layer-constructing calls with their instances' totals (the inlay hints'), built with the report; undefined when each call constructs one layer. */
  layerSites: LayerSite[] | undefined;
  /** Where the layers' hints can fall (a viewport's hints read only its layers), built with the report. */
  layerLines: LayerLines;
  /** report.layers[i]: each row is built on first read, and the whole table on first read of report.layers. */
  layerAt(i: number): LayerReport;
  /** report.layers.length, without building the table. */
  layerCount: number;
}

export interface AnalysisResult {
  file: string;
  models: AnalyzedModel[];
  diagnostics: Diagnostic[];
  /**
   * What the analysis could not know and why (an unknown value, a guard that throws, a layer
   * ConvLens does not model): for hovers and the report, not the Problems panel.
   */
  notes: Diagnostic[];
  /** The JSON report (docs/report.md). */
  report: Report;
  /** Design advice, when options.advice is set. */
  findings?: Finding[];
}

const NO_FILES: AnalysisHost = { readFile: () => undefined };
/** Diagnostic codes that say what the analysis does not know rather than what is wrong. */
const NOTE_CODES = new Set(['unknown-value', 'user-throw', 'unmodelled-layer']);
/** ES module or CommonJS: globals come from imports, not from other <script> tags of a page. */
const isModuleText = (text: string) => /^\s*(?:import|export)\b/m.test(text) || /\brequire\s*\(/.test(text);
const TFJS_IMPORT = /['"]@tensorflow\/tfjs(?:-node|-node-gpu|-layers)?['"]/;

export function analyzeSource(text: string, fileName: string, host: AnalysisHost = NO_FILES, options: AnalysisOptions = {}): AnalysisResult {
  const file = normalizePath(fileName);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  // A half-typed line is reported once; the rest of the file is analysed without it.
  const parses = options.parses;
  const recovered = parseRecovering(text, file, parses?.takeFile(file));
  // Only a clean parse is a good base for the next edit's (a recovered one has blanked lines).
  if (parses && !recovered.problem) parses.keepFile(file, recovered.sourceFile);
  const source = recovered.text;
  if (options.cancellation?.isCancellationRequested) throw new AnalysisCancelled();
  // One interpreter and tfjs session per run of the module; `modulePlan` picks the top level's path.
  // Which user functions were called, and which returned a model they built (the first run's).
  const record: CallRecord = { called: new Set(), builtModel: new Set() };
  const start = (modulePlan?: readonly number[]) => {
    let session!: TfSession;
    let tf: TfNamespace | undefined;
    let nodePath: NodePathModule | undefined;
    let vue: VueModule | undefined;
    let zustand: ZustandModule | undefined;
    let react: ReactModule | undefined;
    let pinia: PiniaModule | undefined;
    const interp: InterpDriver = new Interpreter({
      host: { readFile: (p) => (normalizePath(p) === file ? source : host.readFile(p)), readModelFile: host.readModelFile?.bind(host) },
      // This file's tree is the one just parsed; imported files' trees come from the session's memory.
      parseCache: {
        get: (p) => (p === file ? recovered.sourceFile : parses?.module(p)),
        set: (p, sf) => {
          if (p !== file) parses?.keepModule(p, sf);
        },
      },
      resolvePackage: (spec) => {
        if (isNodePathPackage(spec)) return (nodePath ??= new NodePathModule());
        if (isVuePackage(spec)) return (vue ??= new VueModule());
        if (isZustandPackage(spec)) return (zustand ??= new ZustandModule());
        if (isReactPackage(spec)) return (react ??= new ReactModule());
        if (isPiniaPackage(spec)) return (pinia ??= new PiniaModule());
        if (!isTfjsPackage(spec)) return undefined;
        return (tf ??= new TfNamespace(session));
      },
      limits,
      cancellation: options.cancellation,
      modulePlan,
    });
    session = new TfSession(interp);
    session.modelLoader = loadLayersModel;
    // A page that loads tfjs with a <script> tag uses the global `tf`: a file that imports no tfjs
    // package gets it (its own `tf`, if it declares one, still wins).
    if (!TFJS_IMPORT.test(text)) interp.declareGlobal('tf', (tf ??= new TfNamespace(session)));
    interp.onCall((fn, _args, result, callNode) => {
      // The engine's own call of an entry point has no call site: only calls in the code count.
      if (callNode && !modulePlan) record.called.add(fn.node);
      // The outermost named function that built and returned a model names it (inner calls finish
      // first); a later getter returning a model made elsewhere does not.
      if (result instanceof ModelValue && fn.name !== ANONYMOUS && madeWithin(interp.currentFrame(), result.frame)) {
        result.returnedBy = fn;
        // What the builder returned, before callers freeze layers of it for their own models.
        snapshotTrainable(result, (m) => madeWithin(interp.currentFrame(), m.frame));
        if (!modulePlan) record.builtModel.add(fn.node);
      }
    });
    return { interp, session };
  };
  const { interp, session } = start();

  // Where this file declares each name: built at most once, and only when a check needs it.
  let declared: Map<string, ts.Node[]> | undefined;
  const scopes = () => (declared ??= declarationScopes(recovered.sourceFile));
  if (!TFJS_IMPORT.test(text)) {
    // In TypeScript a global `tf` must be declared somewhere; when this file neither imports nor
    // declares it, running it throws unless a <script> tag defines it (and the project declares it).
    const use = /\.tsx?$/.test(file) ? firstTfUse(recovered.sourceFile) : undefined;
    if (use && !scopes().has('tf'))
      interp.report({ loc: { file, start: use.getStart(recovered.sourceFile), end: use.end }, severity: 'warning', code: 'undeclared-name',
        message: "'tf' is neither imported nor declared in this file: running it throws ReferenceError: tf is not defined, unless a <script> tag defines it (then say so: declare const tf: typeof import('@tensorflow/tfjs')). ConvLens reads it as that page's global tf." });
  }
  // A name read on a path that runs, declared in no scope around it and no global: running it throws
  // ReferenceError. A warning, not an error: a page may define globals in another <script> (a
  // plain script file: only a note), and a project may declare them in a .d.ts ConvLens does not read.
  const isModule = isModuleText(text) || /\.tsx?$/.test(file);
  interp.onUndeclared((id, rec) => {
    if (rec.path !== file || GLOBAL_NAMES.has(id.text)) return;
    if (isDeclaredAt(id, scopes())) return;
    interp.report({ loc: interp.locOf(id), severity: isModule ? 'warning' : 'information', code: isModule ? 'undeclared-name' : 'unknown-value',
      message: `'${id.text}' is declared in no scope around it and is no JavaScript, browser or Node global: running this throws ReferenceError: ${id.text} is not defined${isModule ? ' (if another script defines it, declare it here: declare const ' + id.text + ': …)' : ''}` });
  });
  const main = interp.loadModule(file, source);
  // The top level's undecidable conditions (`if (process.argv[2] === '--small')`, a CLI's flag loop
  // in a main() it calls): its models are explored as an entry's are, each other path a fresh run
  // of the module. Before, the top level took the first option of each and stated its numbers.
  const topModels = session.models.length;
  if (topModels && interp.modulePath.trace.length && !recovered.problem) {
    const runs: TopLevelRun[] = [{ decisions: interp.modulePath.trace, threw: interp.moduleThrew, capped: interp.modulePath.capped, models: session.models.splice(0, topModels) }];
    const queue = otherPlans(runs[0]!.decisions, 0, limits.maxDecisions);
    while (queue.length && runs.length < limits.maxPaths) {
      if (options.cancellation?.isCancellationRequested) throw new AnalysisCancelled();
      const plan = queue.shift()!;
      const alt = start(plan);
      alt.interp.loadModule(file, source);
      const trace = alt.interp.modulePath.trace;
      runs.push({ decisions: trace, threw: alt.interp.moduleThrew, capped: alt.interp.modulePath.capped, models: alt.session.models.slice() });
      queue.push(...otherPlans(trace, plan.length, limits.maxDecisions));
    }
    keepTopLevel(interp, session, runs, queue.length + runs.filter((r) => r.capped).length);
  }
  for (const e of duplicateDeclarations(recovered.sourceFile))
    interp.report({ loc: { file, start: e.start, end: e.end }, severity: 'error', code: 'syntax-error', message: e.message,
      related: [{ loc: { file, start: e.first.start, end: e.first.end }, message: 'first declared here' }] });
  if (recovered.problem) {
    const p = recovered.problem;
    interp.report({ loc: { file, start: p.start, end: p.end }, severity: 'error', code: 'syntax-error',
      message: `the code does not parse here (${p.message.replace(/\.$/, '')})${source !== text ? '; the rest of the file is analysed as if this unfinished line were not there' : ''}` });
  }
  runBuilders(interp, session, main, record, limits);
  // Building the reports is work of its own (a few ms per thousand layers): not for a superseded version.
  if (options.cancellation?.isCancellationRequested) throw new AnalysisCancelled();

  const placer = makePlacer(interp);
  // Models made by other modules' own top-level code are theirs to report, not this file's.
  const names = nameModels(session.models.filter((m) => m.loc.file === file || m.frame), main);
  const placed = placeDiagnostics(dedupe(interp.diagnostics), file, placer);
  // Only findings a user can act on are diagnostics; what the analysis does not know is a note.
  const allDiags = placed.filter((d) => !NOTE_CODES.has(d.diagnostic.code));
  const notes = placed.filter((d) => NOTE_CODES.has(d.diagnostic.code)).map((d) => d.diagnostic);
  const models: AnalyzedModel[] = [];
  const pairs: { value: ModelValue; report: ModelReport }[] = [];
  for (const [model, { name, loc }] of names) {
    const own = allDiags.length ? allDiags.filter((d) => aboutModel(model, d.loc)).map((d) => d.diagnostic) : [];
    const built = buildModel(model, name, loc, placer, own);
    addSymbolicSizes(model, built.report);
    models.push(built);
    pairs.push({ value: model, report: built.report });
  }
  const diagnostics = allDiags.map((d) => d.diagnostic);
  const result: AnalysisResult = { file, models, diagnostics, notes, report: { file, models: models.map((m) => m.report), diagnostics, notes } };
  // The internals design advice needs, kept off the enumerable (serialised) result.
  Object.defineProperty(result, INTERNALS, { value: { sf: main.sourceFile, pairs } satisfies Internals, enumerable: false });
  // Fixes are measured by analysing the edited file: not while it does not parse.
  if (options.advice && !recovered.problem) {
    const again = (edited: string) => analyzeSource(edited, fileName, host, { limits: options.limits, cancellation: options.cancellation });
    result.findings = adviseResult(result, text, again, options.adviceOptions);
  }
  return result;
}

const INTERNALS = Symbol('convlens.internals');
interface Internals {
  sf: ts.SourceFile;
  pairs: { value: ModelValue; report: ModelReport }[];
}

/**
 * Design advice for an analysis (by the same call, or later — the language server computes it
 * after the hints are out). `reanalyze` analyses an edited text, to measure each fix's saving.
 */
export function adviseResult(result: AnalysisResult, text: string, reanalyze: (text: string) => AnalysisResult, options?: Partial<AdviceOptions>): Finding[] {
  const internals = (result as unknown as Record<symbol, Internals | undefined>)[INTERNALS];
  if (!internals || internals.sf.text !== text) return [];
  const again = (edited: string) => {
    const r = reanalyze(edited);
    return {
      totals: new Map(r.models.map((m) => [m.report.name, { params: m.report.totalParams, macs: m.report.macs }] as const)),
      errors: r.diagnostics.filter((d) => d.severity === 'error').length,
    };
  };
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  return adviseAll({ sf: internals.sf, file: result.file, models: internals.pairs, reanalyze: again, errors, options });
}

// ------------------------------------------------------------------ naming

function nameModels(models: ModelValue[], main: ModuleRecord): Map<ModelValue, { name: string; loc: Loc }> {
  const byVar = new Map<ModelValue, string>();
  for (const s of main.sourceFile.statements) {
    if (!ts.isVariableStatement(s)) continue;
    for (const d of s.declarationList.declarations) {
      if (!ts.isIdentifier(d.name)) continue;
      const v = main.scope.lookup(d.name.text)?.value;
      if (v instanceof ModelValue && !byVar.has(v)) byVar.set(v, d.name.text);
    }
  }
  const out = new Map<ModelValue, { name: string; loc: Loc }>();
  const used = new Map<string, number>();
  // Fingerprints are computed only when a name is met twice (they cost a string per layer).
  const seen = new Map<string, { models: ModelValue[]; fps?: string[] }>();
  // A model made by a helper and used as a layer of another model is still a model of its own.
  for (const m of models) {
    const fn = m.returnedBy && m.returnedBy.name !== ANONYMOUS ? m.returnedBy : undefined;
    let base: string;
    let loc: Loc = m.loc;
    if (fn) {
      base = fn.name;
      loc = declarationLoc(fn);
    } else if (byVar.has(m)) base = byVar.get(m)!;
    else {
      // Inside a function: its name and the model's own (its tfjs name, else the variable holding it).
      const own = m.name ?? m.varName;
      const frame = m.frame && m.frame.name !== ANONYMOUS ? m.frame : undefined;
      base = frame ? `${frame.name} › ${own ?? (m.kind === 'sequential' ? 'sequential' : 'model')}` : own ?? `model${m.id}`;
    }
    // Variants of one builder share its name; the variant field tells them apart. The same model
    // reached twice (a builder run on its own and through a handler that calls it) is reported once.
    const key = base + (m.variant ? ` [${m.variant.label}]` : '');
    const same = seen.get(key);
    if (same) {
      const fp = fingerprint(m);
      same.fps ??= same.models.map(fingerprint);
      if (same.fps.includes(fp)) continue;
      same.models.push(m);
      same.fps.push(fp);
    } else seen.set(key, { models: [m] });
    const k = (used.get(key) ?? 0) + 1;
    used.set(key, k);
    if (k > 1) base = byVar.has(m) && fn ? `${fn.name} (${byVar.get(m)})` : `${base}#${k}`;
    out.set(m, { name: base, loc });
  }
  return out;
}

/** Whether a model made in frame `made` was made during the call running in frame `call`. */
function madeWithin(call: Frame | undefined, made: Frame | undefined): boolean {
  for (let f = made; f; f = f.parent) if (f === call) return true;
  return false;
}

/** What the interpreter calls a function expression bound to no name. */
const ANONYMOUS = 'anonymous function';

function declarationLoc(c: Closure): Loc {
  const rec = c.module;
  return { file: rec.path, start: c.node.getStart(rec.sourceFile), end: c.node.getEnd() };
}

// ------------------------------------------------------------------ diagnostics

function makePlacer(interp: InterpDriver): Placer {
  // Many reports share a Loc object (a layer's range in the table and in the graph, a helper's call
  // site in every layer's chain): compute each once. The memo is also what gives one Range object
  // per Loc, which site_tallies.ts groups a call site's layers by (a memo-less placer broke it).
  const memo = new Map<Loc, Range>();
  return {
    range(loc: Loc) {
      let r = memo.get(loc);
      if (r) return r;
      const rec = interp.module(loc.file);
      r = rec ? rangeIn(loc, rec.sourceFile.getLineStarts()) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      memo.set(loc, r);
      return r;
    },
    line(file: string, offset: number) {
      const rec = interp.module(file);
      return rec ? lineAt(rec.sourceFile.getLineStarts(), offset, 0) : 0;
    },
  };
}

function locKey(l: Loc): string {
  return `${l.file}:${l.start}:${l.end}`;
}

/** The same problem reached through several calls (a helper called nine times) is one diagnostic. */
function dedupe(diags: readonly EngineDiagnostic[]): EngineDiagnostic[] {
  const map = new Map<string, EngineDiagnostic>();
  for (const d of diags) {
    const key = `${locKey(d.loc)}:${d.code}:${d.message}`;
    const prev = map.get(key);
    if (!prev) {
      map.set(key, { ...d, related: d.related ? [...d.related] : undefined });
      continue;
    }
    for (const r of d.related ?? []) {
      prev.related ??= [];
      if (!prev.related.some((x) => locKey(x.loc) === locKey(r.loc) && x.message === r.message)) prev.related.push(r);
    }
  }
  return [...map.values()];
}

function placeDiagnostics(diags: EngineDiagnostic[], file: string, placer: Placer): { loc: Loc; diagnostic: Diagnostic }[] {
  const out: { loc: Loc; diagnostic: Diagnostic }[] = [];
  for (const d of diags) {
    let loc = d.loc;
    const related = (d.related ?? []).map((r) => ({ range: placer.range(r.loc), file: r.loc.file === file ? undefined : r.loc.file, message: r.message }));
    if (loc.file !== file) {
      // The problem sits in an imported helper: show it at the call in this file, point to the helper.
      const site = d.chain?.find((l) => l.file === file);
      if (!site) continue;
      related.unshift({ range: placer.range(loc), file: loc.file, message: 'the layer is defined here' });
      loc = site;
    }
    const diagnostic: Diagnostic = { range: placer.range(loc), severity: d.severity, code: d.code, message: d.message };
    const rel = related.map((r) => (r.file ? r : { range: r.range, message: r.message }));
    if (rel.length) diagnostic.related = rel;
    out.push({ loc: d.loc, diagnostic });
  }
  out.sort((a, b) => a.diagnostic.range.start.line - b.diagnostic.range.start.line || a.diagnostic.range.start.character - b.diagnostic.range.start.character);
  return out;
}

/** Whether a diagnostic sits where a model's own problems do: its constructor call or a layer's calls. */
function aboutModel(model: ModelValue, loc: Loc): boolean {
  const same = (l: Loc) => l.start === loc.start && l.end === loc.end && l.file === loc.file;
  if (same(model.loc)) return true;
  for (const n of modelNodes(model)) if (same(n.layer.loc) || same(n.applyLoc)) return true;
  return false;
}

/** The first `tf` read as a namespace (`tf.layers`, `tf.sequential`), comments and strings aside. */
function firstTfUse(sf: ts.SourceFile): ts.Identifier | undefined {
  let found: ts.Identifier | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'tf') found = n.expression;
    else ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}
