/**
 * analyzeSource: the engine's entry point. Runs the file through the abstract interpreter, finds the
 * functions, methods and variables that yield models (builders), and derives reports and graphs.
 */
import ts from 'typescript';
import { Unknown } from './unknown';
import { Interpreter } from './interp/interpreter';
import { DEFAULT_LIMITS, type BudgetLimits } from './interp/budget';
import { type AnalysisHost, type ModuleRecord, normalizePath } from './interp/modules';
import { ClassValue, Closure, JsObject, type Value } from './interp/values';
import { TfSession, modelNodes } from './tfjs/session';
import { TfNamespace, isTfjsPackage } from './tfjs/namespace';
import { NodePathModule, isNodePathPackage } from './interp/node_path';
import { loadLayersModel } from './saved/load_model';
import { ModelValue } from './tfjs/values';
import { snapshotTrainable } from './tfjs/trainable';
import { type Loc, type Range, rangeOf, type EngineDiagnostic } from './source';
import { buildModel, type Placer } from './report/model_report';
import type { Diagnostic, ModelGraph, ModelReport, Report } from './report/types';
import { adviseAll, type Finding } from './advice';
import type { AdviceOptions } from './advice/context';

export interface AnalysisOptions {
  limits?: Partial<BudgetLimits>;
  /** Run the design rules too (each fix's saving is measured by analysing the edited text). */
  advice?: boolean;
  /** The rules' thresholds (defaults: DEFAULT_ADVICE_OPTIONS). */
  adviceOptions?: Partial<AdviceOptions>;
}

export interface AnalyzedModel {
  report: ModelReport;
  graph: ModelGraph;
}

export interface AnalysisResult {
  file: string;
  models: AnalyzedModel[];
  diagnostics: Diagnostic[];
  /** The JSON report (docs/report.md). */
  report: Report;
  /** Design advice, when options.advice is set. */
  findings?: Finding[];
}

const NO_FILES: AnalysisHost = { readFile: () => undefined };

export function analyzeSource(text: string, fileName: string, host: AnalysisHost = NO_FILES, options: AnalysisOptions = {}): AnalysisResult {
  const file = normalizePath(fileName);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  let session!: TfSession;
  let tf: TfNamespace | undefined;
  let nodePath: NodePathModule | undefined;
  const interp = new Interpreter(
    { readFile: (p) => (normalizePath(p) === file ? text : host.readFile(p)), readModelFile: host.readModelFile?.bind(host) },
    (spec) => {
      if (isNodePathPackage(spec)) return (nodePath ??= new NodePathModule());
      if (!isTfjsPackage(spec)) return undefined;
      return (tf ??= new TfNamespace(session));
    },
    limits,
  );
  session = new TfSession(interp);
  session.modelLoader = loadLayersModel;

  // Which user functions were called (those need no standalone run), and which returned a model.
  const observed = new Set<ts.Node>();
  interp.callObserver = (fn, _args, result) => {
    observed.add(fn.node);
    // The outermost function returning a model names it (inner calls finish first).
    if (result instanceof ModelValue) {
      result.returnedBy = fn;
      snapshotTrainable(result);
    }
  };

  const main = interp.loadModule(file, text);
  runBuilders(interp, session, main, observed);

  const placer = makePlacer(interp);
  // Models made by other modules' own top-level code are theirs to report, not this file's.
  const names = nameModels(session.models.filter((m) => m.loc.file === file || m.frame), main);
  const allDiags = placeDiagnostics(dedupe(interp.diagnostics), file, placer);
  const models: AnalyzedModel[] = [];
  const pairs: { value: ModelValue; report: ModelReport }[] = [];
  for (const [model, { name, loc }] of names) {
    const own = allDiags.length ? allDiags.filter((d) => aboutModel(model, d.loc)).map((d) => d.diagnostic) : [];
    const built = buildModel(model, name, loc, placer, own);
    models.push(built);
    pairs.push({ value: model, report: built.report });
  }
  const diagnostics = allDiags.map((d) => d.diagnostic);
  const result: AnalysisResult = { file, models, diagnostics, report: { file, models: models.map((m) => m.report), diagnostics } };
  // The internals design advice needs, kept off the enumerable (serialised) result.
  Object.defineProperty(result, INTERNALS, { value: { sf: main.sourceFile, pairs } satisfies Internals, enumerable: false });
  if (options.advice) {
    const again = (edited: string) => analyzeSource(edited, fileName, host, { limits: options.limits });
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

// ------------------------------------------------------------------ builders

/**
 * Calls every function, arrow and class method of the file that nobody called yet, so builders that
 * the file only defines (or exports) are analysed too. Entry points go first: a function called
 * from another one is best analysed through that call, with its real arguments.
 */
function runBuilders(interp: Interpreter, session: TfSession, main: ModuleRecord, observed: Set<ts.Node>): void {
  const sf = main.sourceFile;
  // Call sites are needed only for functions nobody called yet, and their arguments only for
  // parameters without defaults: ordering uses a text scan, the AST walk happens at most once.
  let sites: Map<string, ts.NodeArray<ts.Expression>[]> | undefined;
  const calls = (key: string) => (sites ??= callSites(sf)).get(key);
  const called = (key: string) => mentionsCall(sf.text, key);
  const candidates = topLevelFunctions(main).filter((c) => !observed.has(c.closure.node));
  const entryFirst = candidates.sort((a, b) => Number(called(a.name)) - Number(called(b.name)));
  for (const c of entryFirst) {
    if (observed.has(c.closure.node)) continue;
    const args = argumentsFor(interp, main, c.closure, () => calls(c.name));
    evaluate(interp, session, main, c.closure.node, () => interp.callFunction(c.closure, undefined, args, undefined));
  }
  for (const cls of topLevelClasses(main)) {
    let instance: Value;
    evaluate(interp, session, main, cls.node, () => {
      const ctorArgs = cls.ctor ? argumentsFor(interp, main, cls.ctor, () => calls(`new ${cls.name}`)) : [];
      instance = interp.construct(cls, ctorArgs, undefined);
      return instance;
    });
    const methods = [...cls.methods.values()].sort((a, b) => Number(called(`.${short(a.name)}`)) - Number(called(`.${short(b.name)}`)));
    for (const m of methods) {
      if (observed.has(m.node) || !(instance! instanceof JsObject)) continue;
      if (ts.isGetAccessorDeclaration(m.node)) continue;
      const args = argumentsFor(interp, main, m, () => calls(`.${short(m.name)}`));
      evaluate(interp, session, main, m.node, () => interp.callFunction(m, instance, args, undefined));
    }
    for (const [, v] of cls.statics.props) {
      if (!(v instanceof Closure) || observed.has(v.node)) continue;
      const args = argumentsFor(interp, main, v, () => calls(`.${short(v.name)}`));
      evaluate(interp, session, main, v.node, () => interp.callFunction(v, cls, args, undefined));
    }
  }
}

function short(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}

/**
 * One standalone evaluation. Diagnostics raised while running a helper out of context (unknown
 * arguments, no model produced) are noise and dropped; budget overruns are kept, they are real.
 */
function evaluate(interp: Interpreter, session: TfSession, main: ModuleRecord, at: ts.Node, run: () => Value): void {
  const modelsBefore = session.models.length;
  const diagsBefore = interp.diagnostics.length;
  interp.resetBudget();
  interp.currentModule = main;
  interp.frame = undefined;
  try {
    run();
  } catch (e) {
    interp.frame = undefined;
    interp.recordAbort(e, at, main);
  }
  if (session.models.length === modelsBefore) {
    const kept = interp.diagnostics.slice(diagsBefore).filter((d) => d.code === 'analysis-budget');
    interp.diagnostics.length = diagsBefore;
    interp.diagnostics.push(...kept);
  }
}

interface Candidate {
  name: string;
  closure: Closure;
}

function topLevelFunctions(main: ModuleRecord): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<ts.Node>();
  const push = (name: string, v: Value | undefined) => {
    if (v instanceof Closure && !seen.has(v.node)) {
      seen.add(v.node);
      out.push({ name, closure: v });
    }
  };
  for (const s of main.sourceFile.statements) {
    if (ts.isFunctionDeclaration(s) && s.body) push(s.name?.text ?? 'default', main.scope.lookup(s.name?.text ?? '%default')?.value);
    else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.initializer && isFunctionExpr(d.initializer)) push(d.name.text, main.scope.lookup(d.name.text)?.value);
    } else if (ts.isExportAssignment(s) && isFunctionExpr(s.expression)) {
      const b = main.exports.get('default');
      if (b?.kind === 'value') push('default', b.value);
    }
  }
  return out;
}

function isFunctionExpr(e: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return ts.isArrowFunction(e) || ts.isFunctionExpression(e);
}

function topLevelClasses(main: ModuleRecord): ClassValue[] {
  const out: ClassValue[] = [];
  for (const s of main.sourceFile.statements) {
    if (!ts.isClassDeclaration(s)) continue;
    const v = s.name ? main.scope.lookup(s.name.text)?.value : main.exports.get('default')?.kind === 'value' ? (main.exports.get('default') as { value: Value }).value : undefined;
    if (v instanceof ClassValue) out.push(v);
  }
  return out;
}

/** Whether the text calls `name(`, `.name(` or `new Name(` anywhere other than in a declaration. */
function mentionsCall(text: string, key: string): boolean {
  const esc = (x: string) => x.replace(/[$]/g, '\\$&');
  const re = key.startsWith('.')
    ? new RegExp(`\\.${esc(key.slice(1))}\\s*\\(`, 'g')
    : key.startsWith('new ')
      ? new RegExp(`\\bnew\\s+${esc(key.slice(4))}\\s*\\(`, 'g')
      : new RegExp(`(?<![\\w$.])${esc(key)}\\s*\\(`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = text.slice(Math.max(0, m.index - 9), m.index);
    if (!/function\s*$/.test(before)) return true;
  }
  return false;
}

/** Call expressions of the file by callee: 'build' for build(...), '.build' for x.build(...), 'new Net' for new Net(...). */
function callSites(sf: ts.SourceFile): Map<string, ts.NodeArray<ts.Expression>[]> {
  const map = new Map<string, ts.NodeArray<ts.Expression>[]>();
  const add = (k: string, args: ts.NodeArray<ts.Expression> | undefined) => {
    let l = map.get(k);
    if (!l) map.set(k, (l = []));
    l.push(args ?? ts.factory.createNodeArray());
  };
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const c = n.expression;
      if (ts.isIdentifier(c)) add(c.text, n.arguments);
      else if (ts.isPropertyAccessExpression(c)) add(`.${c.name.text}`, n.arguments);
    } else if (ts.isNewExpression(n) && ts.isIdentifier(n.expression)) add(`new ${n.expression.text}`, n.arguments);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return map;
}

/**
 * Arguments for a standalone call: defaults apply on their own (undefined); a parameter without a
 * default takes the argument of the single call site in this file, evaluated in module scope, or
 * becomes Unknown with the reason kept for hovers.
 */
function argumentsFor(interp: Interpreter, main: ModuleRecord, fn: Closure, sitesOf: () => ts.NodeArray<ts.Expression>[] | undefined): Value[] {
  const params = fn.node.parameters;
  if (params.every((p) => p.initializer || p.questionToken || p.dotDotDotToken)) return [];
  const sites = sitesOf();
  const single = sites && sites.length === 1 ? sites[0] : undefined;
  const args: Value[] = [];
  params.forEach((p, i) => {
    if (p.dotDotDotToken) return;
    if (p.initializer || p.questionToken) {
      args.push(single && single[i] ? evalQuietly(interp, main, single[i]!) : undefined);
      return;
    }
    const pname = ts.isIdentifier(p.name) ? p.name.text : `#${i + 1}`;
    if (single && single[i]) {
      const v = evalQuietly(interp, main, single[i]!);
      args.push(v);
      return;
    }
    const why = sites && sites.length > 1 ? `called ${sites.length} times in this file` : 'never called in this file';
    args.push(new Unknown(`parameter '${pname}' of ${fn.name} has no default value and ${fn.name} is ${why}`));
  });
  return args;
}

function evalQuietly(interp: Interpreter, main: ModuleRecord, e: ts.Expression): Value {
  const before = interp.diagnostics.length;
  try {
    interp.resetBudget();
    return interp.eval(e, main.scope, main);
  } catch {
    return new Unknown('argument could not be evaluated');
  } finally {
    interp.diagnostics.length = before;
  }
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
  // A model made by a helper and used as a layer of another model is still a model of its own.
  for (const m of models) {
    const fn = m.returnedBy;
    let base: string;
    let loc: Loc = m.loc;
    if (fn) {
      base = fn.name;
      loc = declarationLoc(fn);
    } else if (byVar.has(m)) base = byVar.get(m)!;
    else if (m.frame) base = `${m.frame.name} › ${m.name ?? (m.kind === 'sequential' ? 'sequential' : 'model')}`;
    else base = m.name ?? `model${m.id}`;
    const k = (used.get(base) ?? 0) + 1;
    used.set(base, k);
    if (k > 1) base = byVar.has(m) && fn ? `${fn.name} (${byVar.get(m)})` : `${base}#${k}`;
    out.set(m, { name: base, loc });
  }
  return out;
}

function declarationLoc(c: Closure): Loc {
  const rec = c.module;
  return { file: rec.path, start: c.node.getStart(rec.sourceFile), end: c.node.getEnd() };
}

// ------------------------------------------------------------------ diagnostics

function makePlacer(interp: Interpreter): Placer {
  // Many reports share a Loc object (a layer's range in the table and in the graph, a helper's call
  // site in every layer's chain): compute each once.
  const memo = new WeakMap<Loc, Range>();
  return {
    range(loc: Loc) {
      let r = memo.get(loc);
      if (r) return r;
      const rec = interp.modules.get(loc.file);
      r = rec ? rangeOf(loc, rec.sourceFile) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      memo.set(loc, r);
      return r;
    },
  };
}

function locKey(l: Loc): string {
  return `${l.file}:${l.start}:${l.end}`;
}

/** The same problem reached through several calls (a helper called nine times) is one diagnostic. */
function dedupe(diags: EngineDiagnostic[]): EngineDiagnostic[] {
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
