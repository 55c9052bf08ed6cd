/**
 * Ground truth for a corpus file: the file is bundled (tests/helpers/tfjs_oracle.ts) and evaluated
 * in real @tensorflow/tfjs 4.22 with a small fake world around it — a tfjs that records every
 * tf.sequential / tf.model it makes and answers tf.loadLayersModel with a stand-in model, a React
 * with hooks that run when asked, a DOM whose event listeners the recipe can fire, and fetch
 * answering from the header's setup. Each build runs on a fresh instance of the module.
 */
import { transform } from 'esbuild';
import type * as TF from '@tensorflow/tfjs';
import { bundleShimmed, importBundle, tfjs, truthLayers, type TruthLayer } from '../../helpers/tfjs_oracle';
import { mulberry32 } from '../../helpers/prng';
import type { BuildSpec, Header, StandInSpec } from './header';

type Shape = (number | null)[];

export interface TruthModel {
  inputShapes: Shape[];
  outputShapes: Shape[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  layers: TruthLayer[];
}

export interface Instance {
  /** Symbol values of this instantiation, plus the build's `bind`. */
  sym: Record<string, number>;
  truth: TruthModel;
}

export interface BuiltTruth {
  /** Symbols the build read; empty when the file decides every size itself. */
  free: string[];
  instances: Instance[];
}

const GLOBAL_KEY = '__realworld';
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

/** A DOM element as far as page scripts touch it; listeners are kept for env.fire. */
class FakeElement {
  textContent = '';
  innerHTML = '';
  innerText = '';
  disabled = false;
  checked = false;
  style: Record<string, string> = {};
  dataset: Record<string, string> = {};
  classList = { add() {}, remove() {}, toggle() {}, contains: () => false };
  constructor(readonly env: Env, readonly id: string) {}
  /** env.values[id] may be a function, so a symbol is read only by the builds that read the field. */
  get value(): string {
    const v = this.env.values[this.id];
    return typeof v === 'function' ? String(v()) : (v ?? '');
  }
  set value(v: string) {
    this.env.values[this.id] = v;
  }
  addEventListener(type: string, fn: (...a: unknown[]) => unknown): void {
    this.env.listen(this.id, type, fn);
  }
  removeEventListener(): void {}
  appendChild<T>(c: T): T {
    return c;
  }
  setAttribute(): void {}
  getContext(): Record<string, () => void> {
    return new Proxy({}, { get: () => () => {} });
  }
}

/** What a recipe (the header's `run` / `setup`) can drive. */
export class Env {
  readonly recorded: TF.LayersModel[] = [];
  readonly values: Record<string, string | (() => unknown)> = {};
  private readonly listeners: { target: string; type: string; fn: (...a: unknown[]) => unknown }[] = [];
  private readonly responses = new Map<string, () => unknown>();
  private readonly effects: (() => unknown)[] = [];
  private readonly elements = new Map<string, FakeElement>();
  readonly state: unknown[] = [];

  element(id: string): FakeElement {
    let e = this.elements.get(id);
    if (!e) this.elements.set(id, (e = new FakeElement(this, id)));
    return e;
  }
  listen(target: string, type: string, fn: (...a: unknown[]) => unknown): void {
    this.listeners.push({ target, type, fn });
  }
  /** Runs the listeners for `type` (on `target`, or on any target) and waits for them. */
  async fire(type: string, target?: string): Promise<void> {
    const hits = this.listeners.filter((l) => l.type === type && (target === undefined || l.target === target));
    if (!hits.length) throw new Error(`no '${type}' listener${target ? ` on ${target}` : ''} was registered`);
    for (const l of hits) await l.fn({ type, target: this.element(l.target), preventDefault() {} });
  }
  /** fetch(url) in the file answers `make()` as JSON (and as text). */
  respond(url: string, make: () => unknown): void {
    this.responses.set(url, make);
  }
  fetch = async (url: string): Promise<unknown> => {
    const key = [...this.responses.keys()].find((k) => String(url).endsWith(k));
    if (key === undefined) throw new Error(`fetch(${url}): the header's setup gives no response`);
    const body = this.responses.get(key)!();
    return { ok: true, status: 200, json: async () => body, text: async () => (typeof body === 'string' ? body : JSON.stringify(body)) };
  };
  sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }
  /** Runs queued React effects until none is left (an effect may set state and queue more). */
  async flush(): Promise<void> {
    for (let guard = 0; this.effects.length && guard < 100; guard++) {
      const fn = this.effects.shift()!;
      await fn();
    }
  }
  /** The fake `react` module. */
  react(): Record<string, unknown> {
    const env = this;
    const React: Record<string, unknown> = {
      createElement: (type: unknown, props: unknown, ...children: unknown[]) => ({ type, props, children }),
      Fragment: 'Fragment',
      useState: (init: unknown) => [typeof init === 'function' ? (init as () => unknown)() : init, (v: unknown) => env.state.push(v)],
      useEffect: (fn: () => unknown) => void env.effects.push(fn),
      useLayoutEffect: (fn: () => unknown) => void env.effects.push(fn),
      useRef: (current: unknown) => ({ current }),
      useMemo: (fn: () => unknown) => fn(),
      useCallback: (fn: unknown) => fn,
      createRef: () => ({ current: null }),
      Component: class Component {
        props: unknown;
        state: Record<string, unknown> = {};
        constructor(props: unknown) {
          this.props = props;
        }
        setState(s: unknown) {
          Object.assign(this.state, typeof s === 'function' ? (s as (x: unknown) => unknown)(this.state) : s);
        }
      },
    };
    React.default = React;
    return React;
  }
  /** The fake `vue` module: refs hold a value, computed reads its getter, onMounted queues like an effect. */
  vue(): Record<string, unknown> {
    const env = this;
    const ref = (value: unknown) => ({ value });
    return {
      ref,
      shallowRef: ref,
      reactive: (o: unknown) => o,
      computed: (fn: () => unknown) => ({ get value() { return fn(); } }),
      onMounted: (fn: () => unknown) => void env.effects.push(fn),
      watch: () => () => {},
      nextTick: async () => {},
      defineComponent: (o: unknown) => o,
    };
  }
  /** The fake `pinia` module: an options store's this merges state, getters and actions; a setup store is what setup returns, refs unwrapped. */
  pinia(): Record<string, unknown> {
    type Fn = (...a: unknown[]) => unknown;
    const defineStore = (id: unknown, spec?: unknown) => {
      const s = (typeof id === 'string' ? spec : id) as Fn | { state?: Fn; getters?: Record<string, Fn>; actions?: Record<string, Fn> };
      let store: Record<string, unknown> | undefined;
      return () => {
        if (store) return store;
        store = {};
        const st = store;
        if (typeof s === 'function') {
          for (const [k, v] of Object.entries(s() as Record<string, unknown>)) {
            const isRef = v !== null && typeof v === 'object' && 'value' in (v as object);
            if (isRef) Object.defineProperty(st, k, { get: () => (v as { value: unknown }).value, set: (x) => ((v as { value: unknown }).value = x) });
            else st[k] = v;
          }
        } else {
          Object.assign(st, s.state?.() ?? {});
          for (const [k, g] of Object.entries(s.getters ?? {})) Object.defineProperty(st, k, { get: () => g.call(st, st) });
          for (const [k, a] of Object.entries(s.actions ?? {})) st[k] = a.bind(st);
        }
        return st;
      };
    };
    return { defineStore };
  }
  /** The fake `zustand` module: create(init) with a real set/get over a plain state object. */
  zustand(): Record<string, unknown> {
    const create = (init: (set: unknown, get: unknown) => Record<string, unknown>) => {
      let state: Record<string, unknown> = {};
      const get = () => state;
      const set = (p: unknown) => {
        state = { ...state, ...(typeof p === 'function' ? (p as (s: unknown) => Record<string, unknown>)(state) : (p as Record<string, unknown>)) };
      };
      state = init(set, get);
      const useStore = () => state;
      return Object.assign(useStore, { getState: get, setState: set });
    };
    return { create, default: create };
  }
}

/** tfjs as the file sees it: models are recorded and never trained; loadLayersModel gives stand-ins. */
function recordingTf(tf: typeof TF, env: Env, header: Header, sym: Record<string, number>): typeof TF {
  const record = <M extends TF.LayersModel>(m: M): M => {
    env.recorded.push(m);
    const fakeHistory = async () => ({ history: { loss: [0], acc: [0], val_loss: [0], val_acc: [0] }, epoch: [0] });
    Object.assign(m, { fit: fakeHistory, fitDataset: fakeHistory, save: async () => ({}) });
    return m;
  };
  const overrides: Record<string, unknown> = {
    sequential: (cfg?: TF.SequentialArgs) => record(tf.sequential(cfg)),
    model: (cfg: Parameters<typeof TF.model>[0]) => record(tf.model(cfg)),
    loadLayersModel: async (url: string) => {
      const spec = header.standIns?.[String(url)];
      if (!spec) throw new Error(`tf.loadLayersModel(${url}): the header gives no stand-in`);
      return standIn(tf, spec, sym);
    },
  };
  // tfjs's default orthogonal init of recurrent kernels takes seconds (35 s for 128 units); the
  // initial values do not matter here, so RNNs get glorotUniform unless the file chooses one.
  const fastInit = (make: (cfg: Record<string, unknown>) => unknown) => (cfg: Record<string, unknown> = {}) =>
    make(cfg.recurrentInitializer === undefined ? { ...cfg, recurrentInitializer: 'glorotUniform' } : cfg);
  const layerOverrides: Record<string, unknown> = {};
  for (const f of ['lstm', 'gru', 'simpleRNN', 'lstmCell', 'gruCell', 'simpleRNNCell'])
    layerOverrides[f] = fastInit((tf.layers as unknown as Record<string, (c: unknown) => unknown>)[f]!);
  overrides.layers = new Proxy(tf.layers, { get: (t, k) => (typeof k === 'string' && k in layerOverrides ? layerOverrides[k] : Reflect.get(t, k)) });
  return new Proxy(tf, { get: (t, k) => (typeof k === 'string' && k in overrides ? overrides[k] : Reflect.get(t, k)) });
}

function value(v: number | string, sym: Record<string, number>): number {
  return typeof v === 'number' ? v : sym[v.replace(/^\$/, '')]!;
}

/** A small CNN in place of a model loaded from a URL; its sizes may be symbols. */
function standIn(tf: typeof TF, s: StandInSpec, sym: Record<string, number>): TF.LayersModel {
  const input = tf.input({ shape: s.input.map((d) => value(d, sym)) });
  let x = input as TF.SymbolicTensor;
  for (const l of s.layers)
    x = tf.layers.conv2d({ filters: value(l.filters, sym), kernelSize: 3, strides: value(l.strides ?? 1, sym), padding: 'same', activation: 'relu', name: l.name }).apply(x) as TF.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as TF.SymbolicTensor;
  x = tf.layers.dense({ units: value(s.classes, sym), activation: 'softmax', name: 'predictions' }).apply(x) as TF.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

/** '$name' anywhere in args → the symbol's value. */
function substitute(v: unknown, sym: Record<string, number>): unknown {
  if (typeof v === 'string' && /^\$\w+$/.test(v)) {
    const n = sym[v.slice(1)];
    if (n === undefined) throw new Error(`${v} is not a declared symbol`);
    return n;
  }
  if (Array.isArray(v)) return v.map((e) => substitute(e, sym));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, substitute(e, sym)]));
  return v;
}

function summarize(model: TF.LayersModel): TruthModel {
  const size = (ws: TF.LayerVariable[]) => ws.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b as number), 1), 0);
  const total = model.countParams();
  const trainable = size(model.trainableWeights);
  return {
    inputShapes: model.inputs.map((t) => t.shape),
    outputShapes: model.outputs.map((t) => t.shape),
    totalParams: total,
    trainableParams: trainable,
    nonTrainableParams: total - trainable,
    layers: truthLayers(model),
  };
}

/** Hash of a path, so each file has its own fixed seed. */
function seedOf(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class TruthBuilder {
  private code: string | undefined;
  private readonly next: () => number;

  constructor(
    readonly file: string,
    readonly header: Header,
  ) {
    this.next = mulberry32(seedOf(file.replace(/^.*\/realworld\//, '')));
  }

  private drawSymbols(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, s] of Object.entries(this.header.symbols ?? {})) out[name] = s.range[0] + Math.floor(this.next() * (s.range[1] - s.range[0] + 1));
    return out;
  }

  /** Builds one model (or variant) once; again twice more with new symbol values when it read any. */
  async build(spec: BuildSpec): Promise<BuiltTruth> {
    const first = await this.instance(spec, this.drawSymbols());
    const instances = [first.instance];
    if (first.reads.size) for (let k = 0; k < 2; k++) instances.push((await this.instance(spec, this.drawSymbols())).instance);
    // Expressions are evaluated with the symbols this build read (and its bind), nothing else.
    const keep = (sym: Record<string, number>) => Object.fromEntries(Object.entries(sym).filter(([k]) => first.reads.has(k) || k in (spec.bind ?? {})));
    return { free: [...first.reads], instances: instances.map((i) => ({ ...i, sym: keep(i.sym) })) };
  }

  private async instance(spec: BuildSpec, values: Record<string, number>): Promise<{ instance: Instance; reads: Set<string> }> {
    const tf = await tfjs();
    const reads = new Set<string>();
    const sym = new Proxy(values, {
      get: (t, k) => {
        if (typeof k !== 'string') return undefined;
        if (!(k in t)) throw new Error(`sym.${k} is not a declared symbol`);
        reads.add(k);
        return t[k];
      },
    });
    const env = new Env();
    const ftf = recordingTf(tf, env, this.header, sym);
    const g = globalThis as Record<string, unknown>;
    const saved = { document: g.document, window: g.window, fetch: g.fetch, log: console.log, warn: console.warn };
    const document = {
      getElementById: (id: string) => env.element(id),
      querySelector: (sel: string) => env.element(sel),
      createElement: (tag: string) => env.element(`<${tag}>`),
      addEventListener: (type: string, fn: () => unknown) => env.listen('document', type, fn),
      body: env.element('body'),
      readyState: 'complete',
    };
    const window = { addEventListener: (type: string, fn: () => unknown) => env.listen('window', type, fn), tf: ftf, document, localStorage: { getItem: () => null, setItem() {} } };
    // Custom elements: an HTMLElement base whose shadow root holds elements like the document's.
    const elements = new Map<string, unknown>();
    class HTMLElement {
      shadowRoot: unknown = null;
      attachShadow() {
        return (this.shadowRoot = { innerHTML: '', getElementById: (id: string) => env.element(id), querySelector: (sel: string) => env.element(sel) });
      }
      getAttribute() { return null; }
      setAttribute() {}
      dispatchEvent() { return true; }
      addEventListener() {}
    }
    const customElements = { define: (name: string, cls: unknown) => void elements.set(name, cls), get: (name: string) => elements.get(name) };
    const CustomEvent = class { constructor(readonly type: string, readonly init?: unknown) {} };
    Object.assign(g, { HTMLElement, customElements, CustomEvent });
    Object.assign(g, { document, window, fetch: env.fetch, [GLOBAL_KEY]: { '@tensorflow/tfjs': ftf, react: env.react(), vue: env.vue(), zustand: env.zustand(), pinia: env.pinia() } });
    console.log = () => {};
    console.warn = () => {};
    try {
      if (this.header.setup) await new AsyncFunction('sym', 'env', this.header.setup)(sym, env);
      const mod = await this.load(spec, ftf, window, document, env);
      const model = await this.run(spec, mod, ftf, sym, env);
      const instance = { sym: { ...values, ...spec.bind }, truth: summarize(model) };
      return { instance, reads };
    } finally {
      Object.assign(g, { document: saved.document, window: saved.window, fetch: saved.fetch });
      for (const k of ['HTMLElement', 'customElements', 'CustomEvent']) delete g[k];
      console.log = saved.log;
      console.warn = saved.warn;
      tf.disposeVariables();
    }
  }

  /** A fresh module instance; a classic script (umd) runs as a function body whose top-level functions are returned. */
  private async load(spec: BuildSpec, ftf: unknown, window: unknown, document: unknown, env: Env): Promise<Record<string, unknown>> {
    if (this.header.umd) {
      if (this.code === undefined) {
        const { readFileSync } = await import('node:fs');
        this.code = (await transform(readFileSync(this.file, 'utf8'), { loader: this.file.endsWith('.ts') ? 'ts' : 'js' })).code;
      }
      const owner = spec.call?.split('.')[0];
      const ret = owner ? `\nreturn { ${JSON.stringify(owner)}: typeof ${owner} === 'undefined' ? undefined : ${owner} };` : '';
      return (await new AsyncFunction('tf', 'window', 'document', 'fetch', this.code + ret)(ftf, window, document, env.fetch)) as Record<string, unknown>;
    }
    this.code ??= await bundleShimmed(this.file, ['react', 'vue', 'zustand', 'pinia'], GLOBAL_KEY);
    return importBundle(this.code);
  }

  private async run(spec: BuildSpec, mod: Record<string, unknown>, tf: typeof TF, sym: Record<string, number>, env: Env): Promise<TF.LayersModel> {
    let result: unknown;
    if (spec.run) result = await new AsyncFunction('mod', 'tf', 'sym', 'env', spec.run)(mod, tf, sym, env);
    else if (spec.call) {
      const [owner, method] = spec.call.split('.');
      // A CommonJS file (module.exports = {...}) bundles to an ES module whose default is its exports.
      const v = mod[owner!] ?? (mod.default as Record<string, unknown> | undefined)?.[owner!];
      if (v === undefined) throw new Error(`${this.file} does not export '${owner}'`);
      const args = (substitute(spec.args ?? [], sym) as unknown[]);
      if (method) {
        const target = spec.new ? new (v as new (...a: unknown[]) => Record<string, (...a: unknown[]) => unknown>)(...(substitute(spec.new, sym) as unknown[])) : (v as Record<string, (...a: unknown[]) => unknown>);
        result = await target[method]!(...args);
      } else result = await (v as (...a: unknown[]) => unknown)(...args);
    }
    await env.flush();
    const realTf = await tfjs();
    if (spec.pick !== undefined) {
      const m = typeof spec.pick === 'number' ? env.recorded.at(spec.pick) : env.recorded.find((r) => r.name === spec.pick);
      if (!m) throw new Error(`pick ${JSON.stringify(spec.pick)}: no such recorded model (${env.recorded.length} recorded: ${env.recorded.map((r) => r.name).join(', ')})`);
      return m;
    }
    if (result instanceof realTf.LayersModel) return result;
    throw new Error(`the build ${JSON.stringify(spec)} gave no model; set pick`);
  }
}
