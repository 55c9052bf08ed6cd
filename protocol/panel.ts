/**
 * Messages between the extension host and the panel (webview/src), both directions, each with a
 * validator; imported by the client, the CLI's standalone page and the webview alike.
 * The panel renders only what passes `isToWebview`; the host acts only on what passes
 * `isFromWebview`. Validation is structural and referential (edges point at nodes that exist,
 * layer indexes are in range) so that nothing the renderer indexes can be missing.
 */
import { finish, type StepCounter } from './steps';
import type { Diagnostic, ModelGraph, ModelReport, Range } from '../server/src/engine/report/types';
import type { PanelDevice, PanelHandoff, WorkerEvent } from './worker';

export type ViewKind = 'graph' | 'profile' | 'training' | 'findings';
export type ExportFormat = 'svg' | 'png';

export interface ModelPayload {
  report: ModelReport;
  graph: ModelGraph;
}

// ---- host -> webview
export interface ModelMessage {
  type: 'model';
  uri: string;
  /** The document version the analysis saw (null when unknown). */
  version: number | null;
  models: ModelPayload[];
  diagnostics: Diagnostic[];
  /** Model name to show; the first model otherwise. */
  selected?: string;
  view?: ViewKind;
  /** A saved model file: what it is ('TensorFlow.js layers model (...)'); shows the Findings tab. */
  source?: string;
  /** A saved model file's design advice (diagnostics without fixes), listed with `diagnostics` in the Findings tab. */
  findings?: Diagnostic[];
}
/** The editor cursor moved: highlight the layers whose constructing call contains it. */
export interface CursorMessage {
  type: 'cursor';
  uri: string;
  line: number;
  character: number;
}
/** The colour theme changed (CSS variables already follow it; canvases repaint). */
export interface ThemeMessage {
  type: 'theme';
}
/**
 * One event of the training worker (protocol/worker.ts); the Training tab appears on the first.
 * Validated only as an object: the Training view reads every field defensively.
 */
export interface TrainingMessage {
  type: 'training';
  event: WorkerEvent;
}
/** The host's Export command: the panel answers with an `export` message. */
export interface RequestExportMessage {
  type: 'requestExport';
  format: ExportFormat;
}
/** Probe the panel's GPU (WebGPU adapter, WebGL2 renderer): the panel answers with `gpuInfo`. */
export interface ProbeGpuMessage {
  type: 'probeGpu';
}
/** Run the check on the panel's GPU, in a Web Worker there; events come back as `trainingEvent`. */
export interface RunCheckMessage {
  type: 'runCheck';
  handoff: PanelHandoff;
  /** Soft budget for the training loop, ms from the start (the host's time cap enforces the hard one). */
  budgetMs?: number;
}
/** Stop the panel's check: its worker is terminated. */
export interface CancelCheckMessage {
  type: 'cancelCheck';
  reason: 'cancelled' | 'timeout';
}
export type ToWebview = ModelMessage | CursorMessage | ThemeMessage | TrainingMessage | RequestExportMessage | ProbeGpuMessage | RunCheckMessage | CancelCheckMessage;

// ---- webview -> host
export interface ReadyMessage {
  type: 'ready';
}
/** Reveal and select `range` in `file` (an absolute path; the analysed document when empty). */
export interface RevealMessage {
  type: 'reveal';
  file: string;
  range: Range;
}
export interface SelectModelMessage {
  type: 'selectModel';
  name: string;
}
/** `data`: the SVG text, or for PNG a `data:image/png;base64,...` URL. */
export interface ExportMessage {
  type: 'export';
  format: ExportFormat;
  data: string;
  /** Suggested file name ('resNet50.svg'). */
  name?: string;
}
export interface CopyMessage {
  type: 'copy';
  text: string;
  /** What was copied, for the host's notification ('profile as Markdown'). */
  what?: string;
}
/** The answer to `probeGpu`. */
export interface GpuInfoMessage {
  type: 'gpuInfo';
  device: PanelDevice;
}
/** One event of the panel's check, as encodeEvent wrote it (JSON keeps no NaN; decodeEvent revives it). */
export interface TrainingEventMessage {
  type: 'trainingEvent';
  line: string;
}
/** The panel's Cancel on a running measurement: the host stops the worker. */
export interface CancelRunMessage {
  type: 'cancelRun';
}
export type FromWebview = ReadyMessage | RevealMessage | SelectModelMessage | ExportMessage | CopyMessage | CancelRunMessage | GpuInfoMessage | TrainingEventMessage;

// ---- validators
type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isInt = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;
const isNumOrNull = (x: unknown) => x === null || isNum(x);
const optStr = (x: unknown) => x === undefined || isStr(x);
const isArr = (x: unknown, item: (y: unknown) => boolean): boolean => Array.isArray(x) && x.every(item);

export function isPosition(x: unknown): boolean {
  return isObj(x) && isInt(x.line) && isInt(x.character);
}
export function isRange(x: unknown): x is Range {
  return isObj(x) && isPosition(x.start) && isPosition(x.end);
}
const isShape = (x: unknown) => Array.isArray(x) && x.every((d) => d === null || isNum(d));
/** A report shape: null when even its rank is unknown. */
const isShapeOrNull = (x: unknown) => x === null || isShape(x);
const isPair = (x: unknown) => x === undefined || (Array.isArray(x) && x.length === 2 && x.every(isNum));
const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);

export function isDiagnostic(x: unknown): x is Diagnostic {
  return isObj(x) && isRange(x.range) && SEVERITIES.has(x.severity as string) && isStr(x.code) && isStr(x.message);
}

function isLayer(x: unknown): boolean {
  return (
    isObj(x) &&
    isStr(x.className) &&
    isStr(x.displayName) &&
    isStr(x.label) &&
    isStr(x.family) &&
    isStr(x.file) &&
    isRange(x.range) &&
    optStr(x.name) &&
    isArr(x.inputShapes, isShapeOrNull) &&
    isShapeOrNull(x.outputShape) &&
    isNumOrNull(x.params) &&
    isNumOrNull(x.macs) &&
    isNumOrNull(x.activationBytes) &&
    isPair(x.receptiveField) &&
    isPair(x.jump) &&
    (x.trainableParams === undefined || isNumOrNull(x.trainableParams)) &&
    (x.nonTrainableParams === undefined || isNumOrNull(x.nonTrainableParams)) &&
    (x.applications === undefined || isNum(x.applications)) &&
    (x.chain === undefined || isArr(x.chain, (c) => isObj(c) && isStr(c.name))) &&
    optStr(x.error)
  );
}

/**
 * Validation in steps, for a caller that lets frames paint between them (the panel: a 10,000-layer
 * message took one 60-100 ms pass): the long arrays' items (layers, nodes, groups, edges) are
 * counted across arrays and the generator yields after every `every` of them; it returns the
 * verdict. `finish` (steps.ts) runs one to the end at once.
 */
export const CHECK_STEP = 500;

/** No yields at all (n % Infinity is never 0 for n >= 1): the synchronous validators. */
const noSteps = (): StepCounter => ({ n: 0, every: Infinity });


/** Every item of `xs` passes `item`, yielding each `c.every` items. */
function* allSteps(xs: unknown, item: (y: unknown) => boolean, c: StepCounter): Generator<void, boolean, void> {
  if (!Array.isArray(xs)) return false;
  for (const y of xs) {
    if (!item(y)) return false;
    if (++c.n % c.every === 0) yield;
  }
  return true;
}

function* modelReportSteps(x: unknown, c: StepCounter): Generator<void, boolean, void> {
  if (!(isObj(x) && isStr(x.name) && isStr(x.file) && isRange(x.range))) return false;
  if (!(yield* allSteps(x.layers, isLayer, c))) return false;
  return (
    isArr(x.inputShapes, isShapeOrNull) &&
    isArr(x.outputShapes, isShapeOrNull) &&
    isNumOrNull(x.totalParams) &&
    isNumOrNull(x.macs) &&
    (x.trainableParams === undefined || isNumOrNull(x.trainableParams)) &&
    (x.activationBytes === undefined || isNumOrNull(x.activationBytes)) &&
    (x.depth === undefined || isNum(x.depth)) &&
    (x.diagnostics === undefined || isArr(x.diagnostics, isDiagnostic))
  );
}

export function isModelReport(x: unknown): x is ModelReport {
  return finish(modelReportSteps(x, noSteps()));
}

function* modelGraphSteps(x: unknown, layerCount: number, c: StepCounter): Generator<void, boolean, void> {
  if (!isObj(x) || !Array.isArray(x.nodes) || !Array.isArray(x.edges) || !Array.isArray(x.groups)) return false;
  const ids = new Set<string>();
  for (const n of x.nodes) {
    if (!isObj(n) || !isStr(n.id) || ids.has(n.id) || !isStr(n.className) || !isStr(n.label) || !isStr(n.family) || !isRange(n.range) || !isStr(n.file)) return false;
    if (!(n.layerIndex === null || (isInt(n.layerIndex) && n.layerIndex < layerCount))) return false;
    if (!(n.outputShape === null || isShape(n.outputShape)) || !isNumOrNull(n.params) || !optStr(n.groupId) || !optStr(n.name) || !optStr(n.error)) return false;
    ids.add(n.id);
    if (++c.n % c.every === 0) yield;
  }
  const groupIds = new Set<string>();
  for (const g of x.groups) {
    if (!isObj(g) || !isStr(g.id) || groupIds.has(g.id) || ids.has(g.id) || !isStr(g.label) || !optStr(g.detail) || !optStr(g.parentId)) return false;
    if (!isArr(g.nodeIds, (n) => isStr(n) && ids.has(n)) || !isArr(g.inputShapes, isShapeOrNull) || !isArr(g.outputShapes, isShapeOrNull) || !isNumOrNull(g.params)) return false;
    if (g.range !== undefined && !isRange(g.range)) return false;
    groupIds.add(g.id);
    if (++c.n % c.every === 0) yield;
  }
  for (const g of x.groups as Obj[]) if (g.parentId !== undefined && !groupIds.has(g.parentId as string)) return false;
  for (const n of x.nodes as Obj[]) if (n.groupId !== undefined && !groupIds.has(n.groupId as string)) return false;
  for (const e of x.edges) {
    if (!isObj(e) || !isStr(e.id) || !isStr(e.source) || !isStr(e.target) || !ids.has(e.source) || !ids.has(e.target)) return false;
    if (!isInt(e.targetInput) || !(e.shape === null || isShape(e.shape))) return false;
    if (++c.n % c.every === 0) yield;
  }
  return true;
}

/** Structure plus references: every id an edge or group names exists; layer indexes are in range. */
export function isModelGraph(x: unknown, layerCount: number): x is ModelGraph {
  return finish(modelGraphSteps(x, layerCount, noSteps()));
}

const VIEWS = new Set<unknown>(['graph', 'profile', 'training', 'findings']);
const FORMATS = new Set<unknown>(['svg', 'png']);

function* modelPayloadSteps(x: unknown, c: StepCounter): Generator<void, boolean, void> {
  return isObj(x) && (yield* modelReportSteps(x.report, c)) && (yield* modelGraphSteps(x.graph, (x.report as ModelReport).layers.length, c));
}

export function isModelPayload(x: unknown): x is ModelPayload {
  return finish(modelPayloadSteps(x, noSteps()));
}

export function isToWebview(x: unknown): x is ToWebview {
  return finish(toWebviewSteps(x, noSteps()));
}

/**
 * `isToWebview` in steps (see CHECK_STEP): a model message yields after every `every` layers,
 * nodes, groups and edges; every other message is checked at once. Drive it to the end and read
 * the verdict it returns.
 */
export function checkToWebview(x: unknown, every = CHECK_STEP): Generator<void, boolean, void> {
  return toWebviewSteps(x, { n: 0, every });
}

function* modelsSteps(xs: unknown, c: StepCounter): Generator<void, boolean, void> {
  if (!Array.isArray(xs)) return false;
  for (const m of xs) if (!(yield* modelPayloadSteps(m, c))) return false;
  return true;
}

function* toWebviewSteps(x: unknown, c: StepCounter): Generator<void, boolean, void> {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'model':
      return (
        isStr(x.uri) &&
        (x.version === null || x.version === undefined || isNum(x.version)) &&
        (yield* modelsSteps(x.models, c)) &&
        isArr(x.diagnostics, isDiagnostic) &&
        optStr(x.selected) &&
        (x.view === undefined || VIEWS.has(x.view)) &&
        optStr(x.source) &&
        (x.findings === undefined || isArr(x.findings, isDiagnostic))
      );
    case 'cursor':
      return isStr(x.uri) && isInt(x.line) && isInt(x.character);
    case 'theme':
      return true;
    case 'training':
      return isObj(x.event) && isStr(x.event.type);
    case 'requestExport':
      return FORMATS.has(x.format);
    case 'probeGpu':
      return true;
    case 'runCheck':
      return isHandoff(x.handoff) && (x.budgetMs === undefined || isNum(x.budgetMs));
    case 'cancelCheck':
      return x.reason === 'cancelled' || x.reason === 'timeout';
    default:
      return false;
  }
}

function isHandoff(x: unknown): boolean {
  return (
    isObj(x) &&
    (x.backend === 'webgpu' || x.backend === 'webgl') &&
    Array.isArray(x.attempts) &&
    isStr(x.file) &&
    isStr(x.model) &&
    isArr(x.available, isStr) &&
    (x.report === undefined || isModelReport(x.report)) &&
    isStr(x.bundle) &&
    isNum(x.seed)
  );
}

function isApiInfo(x: unknown): boolean {
  return isObj(x) && typeof x.available === 'boolean' && optStr(x.adapter) && optStr(x.reason);
}

/** A training event line is small; a result with many layers is the largest (bounded generously). */
const MAX_EVENT = 8 * 1024 * 1024;

/** Exported data may be big (a PNG of DenseNet-121), but not unbounded. */
const MAX_EXPORT = 64 * 1024 * 1024;

export function isFromWebview(x: unknown): x is FromWebview {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'ready':
      return true;
    case 'reveal':
      return isStr(x.file) && isRange(x.range);
    case 'selectModel':
      return isStr(x.name);
    case 'export':
      return FORMATS.has(x.format) && isStr(x.data) && x.data.length <= MAX_EXPORT && optStr(x.name) && (x.format === 'svg' ? /^\s*<(\?xml|svg)/.test(x.data) : x.data.startsWith('data:image/png;base64,'));
    case 'copy':
      return isStr(x.text) && x.text.length <= MAX_EXPORT && optStr(x.what);
    case 'gpuInfo':
      return isObj(x.device) && isApiInfo(x.device.webgpu) && isApiInfo(x.device.webgl);
    case 'trainingEvent':
      return isStr(x.line) && x.line.length <= MAX_EVENT;
    case 'cancelRun':
      return true;
    default:
      return false;
  }
}
