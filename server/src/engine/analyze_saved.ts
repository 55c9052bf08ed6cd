/**
 * analyzeSavedModel: a saved model file (tfjs model.json, Keras JSON, Keras 3 .keras) → the same
 * AnalysisResult analyzeSource gives for code: reports, graphs, diagnostics, and design advice as
 * findings without fixes (there is no source to edit). Pure: the host supplies the bytes and, for
 * the shard check, the sizes of the files beside model.json.
 */
import { Interpreter } from './interp/interpreter';
import { DEFAULT_LIMITS } from './interp/budget';
import { normalizePath } from './interp/modules';
import { TfSession, modelLayers, modelNodes } from './tfjs/session';
import type { LayerValue, ModelValue } from './tfjs/values';
import { buildModel, type Placer } from './report/model_report';
import { analyzeSource, type AnalysisResult, type AnalyzedModel } from './analyze';
import type { Finding } from './advice';
import type { Diagnostic, Range } from './report/types';
import type { Loc } from './source';
import { SavedModelError } from './saved/errors';
import { buildTopology, type BuildSite } from './saved/build';
import { checkManifestWeights, checkShardSizes, readManifest, type ShardGroup } from './saved/manifest';
import { readSavedFile, type SavedFile, type SavedFormat } from './saved/read';
import type { RandomAccess } from './saved/zip';
import { generateTypeScript } from './saved/typescript';
import { noteStackOverflow } from './stack_overflow';

export { MAX_TOPOLOGY_BYTES, type SavedFormat } from './saved/read';
export { checkShardSizes, type ShardGroup } from './saved/manifest';
export type { RandomAccess } from './saved/zip';

export interface SavedModelOptions {
  /** Size in bytes of a file beside the model (a weight shard, path as written in the manifest); null: no such file. */
  fileSize?: (relativePath: string) => number | null;
  /** Design advice, measured on the model's TypeScript rebuild (typescript.ts). */
  advice?: boolean;
}

export interface SavedModelResult extends AnalysisResult {
  format: SavedFormat | null;
  /** What the file is, in words ('TensorFlow.js layers model (tfjs-layers v4.22.0)'). */
  formatLabel: string;
  /** model.json's weight groups, for a shard check by a host that reads sizes itself. */
  shards: ShardGroup[];
}

const ORIGIN: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function analyzeSavedModel(data: Uint8Array | string | RandomAccess, fileName: string, options: SavedModelOptions = {}): SavedModelResult {
  const file = normalizePath(fileName);
  let saved: SavedFile;
  try {
    saved = readSavedFile(data, file);
  } catch (e) {
    if (!(e instanceof SavedModelError) && !(e instanceof RangeError)) throw e;
    noteStackOverflow(e);
    const message = e instanceof SavedModelError ? e.message : 'the file nests too deeply to be a model';
    const text = typeof data === 'string' ? data : undefined;
    const range = e instanceof SavedModelError && e.at >= 0 && text ? rangeAt(text, e.at) : ORIGIN;
    return failed(file, message, range);
  }
  try {
    return analyzeRead(saved, file, options);
  } catch (e) {
    if (!(e instanceof SavedModelError) && !(e instanceof RangeError)) throw e;
    noteStackOverflow(e);
    return failed(file, e instanceof SavedModelError ? e.message : 'the model nests too deeply', ORIGIN, saved);
  }
}

function failed(file: string, message: string, range: Range, saved?: SavedFile): SavedModelResult {
  const diagnostics: Diagnostic[] = [{ range, severity: 'error', code: 'saved-model', message: `ConvLens cannot read this model: ${message}` }];
  return { file, models: [], diagnostics, notes: [], report: { file, models: [], diagnostics, notes: [] }, format: saved?.format ?? null, formatLabel: saved?.label ?? 'unreadable', shards: [] };
}

function rangeAt(text: string, at: number): Range {
  let line = 0;
  let last = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i + 1;
  }
  const p = { line, character: Math.max(0, at - last) };
  return { start: p, end: p };
}

/** Interpreter and session for a model built outside any source file. */
function freshSession(): { session: TfSession; interp: Interpreter } {
  const interp = new Interpreter({ host: { readFile: () => undefined }, resolvePackage: () => undefined, limits: DEFAULT_LIMITS });
  return { session: new TfSession(interp), interp };
}

function analyzeRead(saved: SavedFile, file: string, options: SavedModelOptions): SavedModelResult {
  const { session, interp } = freshSession();
  const site: BuildSite = { session, file, made: [] };
  const main = buildTopology(site, saved.topology);
  const range = (loc: Loc) => (loc.file === file ? saved.locator.range(loc.start, loc.end) : ORIGIN);
  const placer: Placer = { range, line: (f, offset) => range({ file: f, start: offset, end: offset }).end.line };
  const engine = interp.diagnostics.map((d) => ({ loc: d.loc, diagnostic: { range: placer.range(d.loc), severity: d.severity, code: d.code, message: d.message } as Diagnostic }));

  // Weights: the manifest against the layers, then the shard files against the manifest.
  const extra: Diagnostic[] = [];
  let shards: ShardGroup[] = [];
  if (saved.manifest !== undefined) {
    const allLayers = new Set<LayerValue>();
    for (const { model } of site.made) for (const l of modelLayers(model)) if (l.className !== 'InputLayer' && !l.model) allLayers.add(l);
    const manifest = readManifest(saved.manifest, saved.locator, extra);
    shards = manifest.groups;
    extra.push(...checkManifestWeights(manifest.weights, [...allLayers], (l) => placer.range(l.loc), saved.locator));
    if (options.fileSize) {
      const sizes: Record<string, number | null> = {};
      for (const g of shards) for (const p of g.paths) sizes[p] = options.fileSize(p);
      extra.push(...checkShardSizes(shards, sizes));
    }
  }

  const names = modelNames(site, main);
  const models: AnalyzedModel[] = [];
  for (const { model } of orderMain(site.made, main)) {
    const locs = new Set<string>([key(model.loc), ...modelNodes(model).map((n) => key(n.layer.loc))]);
    const own = engine.filter((d) => locs.has(key(d.loc))).map((d) => d.diagnostic);
    models.push(buildModel(model, names.get(model)!, model.loc, placer, own));
  }
  const diagnostics = [...engine.map((d) => d.diagnostic), ...extra].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const result: SavedModelResult = { file, models, diagnostics, notes: [], report: { file, models: models.map((m) => m.report), diagnostics, notes: [] }, format: saved.format, formatLabel: saved.label, shards };
  Object.defineProperty(result, INTERNALS, { value: { site, names, label: saved.label } satisfies Internals, enumerable: false });
  if (options.advice) result.findings = adviseSavedResult(result);
  return result;
}

/**
 * Above this many layers the editor skips design advice: each saving is measured by analysing the
 * model again (a 5,000-layer model.json took a minute), and the graph must not wait for it.
 */
export const MAX_ADVICE_LAYERS = 2000;

/** Design advice for an analysed saved model (findings without fixes); [] when the file was unreadable. */
export function adviseSavedResult(result: SavedModelResult, maxLayers = Infinity): Finding[] {
  const i = (result as unknown as Record<symbol, Internals | undefined>)[INTERNALS];
  if (!i) return [];
  const layers = result.models.reduce((n, m) => n + m.report.layers.length, 0);
  if (layers > maxLayers)
    return [{ model: result.models[0]?.report.name ?? '', layerIndex: -1, diagnostic: { range: ORIGIN, severity: 'information', code: 'advice-skipped', message: `Design advice is not run on models over ${maxLayers.toLocaleString('en-US')} layers here (this one has ${layers.toLocaleString('en-US')}): each saving is measured by analysing the model again. convlens lint runs it.` } }];
  return adviseSaved(result, i.site, i.names);
}

const INTERNALS = Symbol('convlens.saved');
interface Internals {
  site: BuildSite;
  names: Map<ModelValue, string>;
  label: string;
}

/**
 * "Copy as TypeScript": tfjs code rebuilding the file's models (architecture, not weights), or
 * undefined when the file could not be read.
 */
export function savedModelTypeScript(result: SavedModelResult): string | undefined {
  const i = (result as unknown as Record<symbol, Internals | undefined>)[INTERNALS];
  if (!i || !result.models.length) return undefined;
  const file = result.file.split('/').pop();
  const header = [
    `${result.models[0]!.report.name}: rebuilt by ConvLens from ${file} (${i.label}).`,
    'The architecture only: load the trained weights with tf.loadLayersModel. Initializers, regularizers',
    'and constraints are not reproduced.',
  ].join('\n');
  return generateTypeScript(i.site.made.map(({ model }) => ({ model, name: i.names.get(model)! })), header).code;
}

function key(l: Loc): string {
  return `${l.start}:${l.end}`;
}

/** The file's model first, then the models nested in it ('outer › inner'). */
function orderMain(made: BuildSite['made'], main: ModelValue): BuildSite['made'] {
  return [...made.filter((m) => m.model === main), ...made.filter((m) => m.model !== main)];
}

export function modelNames(site: BuildSite, main: ModelValue): Map<ModelValue, string> {
  const out = new Map<ModelValue, string>();
  const base = (m: ModelValue) => m.name ?? (m.kind === 'sequential' ? 'sequential' : 'model');
  const used = new Set<string>();
  const nameOf = (m: ModelValue): string => {
    let n = out.get(m);
    if (n) return n;
    const entry = site.made.find((x) => x.model === m);
    n = m === main || !entry?.outer ? base(m) : `${nameOf(entry.outer)} › ${base(m)}`;
    for (let k = 2; used.has(n); k++) n = `${n.replace(/#\d+$/, '')}#${k}`;
    used.add(n);
    out.set(m, n);
    return n;
  };
  nameOf(main);
  for (const { model } of site.made) nameOf(model);
  return out;
}

/**
 * Design advice on a saved model: the rules run on the model's TypeScript rebuild (saved/typescript.ts),
 * which ConvLens analyses to exactly the same layers, so every saving is measured as for code.
 * Findings come back placed at the layer in the file; fixes are dropped (there is no source to edit).
 */
function adviseSaved(result: SavedModelResult, site: BuildSite, names: Map<ModelValue, string>): Finding[] {
  const models = site.made.map(({ model }) => ({ model, name: names.get(model)! }));
  const gen = generateTypeScript(models, 'advice');
  const file = `${result.file}.convlens-rebuild.ts`;
  const analysed = analyzeSource(gen.code, file, undefined, { advice: true });
  const out: Finding[] = [];
  for (const f of analysed.findings ?? []) {
    const built = gen.builders.get(f.model);
    const name = built ? names.get(built) : undefined;
    const target = result.models.find((m) => m.report.name === name);
    if (!target) continue;
    const layer = f.layerIndex >= 0 ? target.report.layers[f.layerIndex] : undefined;
    const range = layer ? layer.range : target.report.range;
    out.push({ model: target.report.name, layerIndex: f.layerIndex, diagnostic: { ...f.diagnostic, range } });
  }
  return out;
}
