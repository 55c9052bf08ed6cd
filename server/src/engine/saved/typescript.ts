/**
 * "Copy as TypeScript": tfjs code that rebuilds a saved model's architecture, in the style of the
 * project's snippets: `tf.sequential()` + `model.add(...)`, or `tf.input` / `.apply(...)` chains and
 * `tf.model({inputs, outputs})`; a nested model becomes its own builder function, a shared layer one
 * object applied at each call site. Layer names are kept (getLayer works), as are the configs that
 * shape the model; initializers, regularizers and constraints are left out (they do not change the
 * architecture, and their serialised form is not tfjs's TypeScript API). ConvLens analyses the
 * result to exactly the layers and counts of the file (test/saved/roundtrip.test.ts).
 */
import type { LayerNode, LayerValue, ModelValue, TensorValue } from '../tfjs/values';
import { modelNodes } from '../tfjs/session';

export interface GeneratedModule {
  code: string;
  /** Builder function name → the model it rebuilds. */
  builders: Map<string, ModelValue>;
}

const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await tf model'.split(' '),
);

/** Keys that do not change the architecture, or whose serialised form tfjs's API does not take. */
const DROPPED = /(Initializer|Regularizer|Constraint)$|^(dtype|sparse|ragged|optional|synchronized|batchSize|inputDtype)$/;

function identifier(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_$]+/g, '_');
  if (!id || /^[0-9]/.test(id)) id = `_${id}`;
  return RESERVED.has(id) ? `${id}_` : id;
}

function camel(name: string): string {
  const id = identifier(name).replace(/_+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/_+$/, '');
  return RESERVED.has(id) || !id ? `${id}Model` : id;
}

class Names {
  private readonly used = new Set<string>();
  constructor(reserved: Iterable<string>) {
    for (const r of reserved) this.used.add(r);
  }
  take(base: string): string {
    let n = base;
    for (let k = 2; this.used.has(n); k++) n = `${base}_${k}`;
    this.used.add(n);
    return n;
  }
}

function lit(v: unknown): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(lit).join(', ')}]`;
  if (v !== null && typeof v === 'object')
    return `{ ${Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : lit(k)}: ${lit(x)}`).join(', ')} }`;
  return String(v);
}

const same = (v: unknown): unknown => (Array.isArray(v) && v.length > 0 && v.every((x) => x === v[0]) ? v[0] : v);

/** The config tfjs's factory takes, without defaults and serialisation noise; `name` last. */
function configText(layer: LayerValue, inputShape?: (number | null)[] | null): string {
  const raw = layer.rawConfig;
  const out: [string, unknown][] = [];
  if (inputShape) {
    if (inputShape[0] === null) out.push(['inputShape', inputShape.slice(1)]);
    else out.push(['batchInputShape', inputShape]);
  }
  const pooling = layer.spec?.family === 'pooling';
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'name' || k === 'batchInputShape' || k === 'inputShape' || v === null || v === undefined || DROPPED.test(k)) continue;
    if (k === 'trainable' && v === true) continue;
    if (k === 'useBias' && v === true) continue;
    if (k === 'dataFormat' && v === 'channelsLast') continue;
    if (k === 'activation' && v === 'linear') continue;
    if (k === 'padding' && v === 'valid') continue;
    if ((k === 'dilationRate' || (k === 'strides' && !pooling)) && same(v) === 1) continue;
    if (k === 'groups' && v === 1) continue;
    if (k === 'keepdims' && v === false) continue;
    out.push([k, k === 'kernelSize' || k === 'poolSize' || k === 'strides' || k === 'dilationRate' || k === 'size' ? same(v) : v]);
  }
  if (typeof raw.name === 'string') out.push(['name', raw.name]);
  return out.length ? `{ ${out.map(([k, v]) => `${k}: ${lit(v)}`).join(', ')} }` : '{}';
}

export function generateTypeScript(models: { model: ModelValue; name: string }[], header: string): GeneratedModule {
  const builders = new Map<string, ModelValue>();
  const fnName = new Map<ModelValue, string>();
  const fnNames = new Names(RESERVED);
  // Builders of nested models come before the models that use them.
  const ordered: ModelValue[] = [];
  const visit = (m: ModelValue) => {
    if (ordered.includes(m)) return;
    for (const n of modelNodes(m)) if (n.layer.model) visit(n.layer.model);
    ordered.push(m);
  };
  for (const { model } of models) visit(model);
  for (const m of ordered) {
    const given = models.find((x) => x.model === m)?.name ?? m.name ?? 'model';
    const f = fnNames.take(camel(given.split(' › ').pop()!));
    fnName.set(m, f);
    builders.set(f, m);
  }
  const parts = [header.split('\n').map((l) => `// ${l}`).join('\n'), "import * as tf from '@tensorflow/tfjs';", ''];
  for (const m of ordered) parts.push(m.kind === 'sequential' ? sequentialFn(m, fnName) : functionalFn(m, fnName), '');
  return { code: parts.join('\n'), builders };
}

function sequentialFn(m: ModelValue, fnName: Map<ModelValue, string>): string {
  const lines = [`export function ${fnName.get(m)}(): tf.Sequential {`, `  const model = tf.sequential(${m.name ? `{ name: ${lit(m.name)} }` : ''});`];
  const inputShape = m.inputs[0]?.shape ?? null;
  const nodes = m.sequence.filter((n) => n.layer.className !== 'InputLayer');
  const locals = new Names([...fnName.values()]);
  nodes.forEach((n, i) => {
    if (n.layer.model) {
      const v = locals.take(`${camel(n.layer.model.name ?? 'inner')}Model`);
      lines.splice(lines.length, 0, `  const ${v} = ${fnName.get(n.layer.model)}();`, `  model.add(${v});`);
      return;
    }
    lines.push(`  model.add(tf.layers.${n.layer.factory}(${configText(n.layer, i === 0 ? inputShape : undefined)}));`);
  });
  lines.push('  return model;', '}');
  return lines.join('\n');
}

function functionalFn(m: ModelValue, fnName: Map<ModelValue, string>): string {
  const lines = [`export function ${fnName.get(m)}(): tf.LayersModel {`];
  const locals = new Names([...fnName.values()]);
  const tensorVar = new Map<TensorValue, string>();
  const layerVar = new Map<LayerValue, string>();
  const nodes = modelNodes(m);
  const uses = new Map<LayerValue, number>();
  for (const n of nodes) uses.set(n.layer, (uses.get(n.layer) ?? 0) + 1);
  const count = new Map<LayerValue, number>();
  const ref = (t: TensorValue) => tensorVar.get(t) ?? 'undefined /* a tensor ConvLens does not model */';
  for (const n of nodes) {
    if (n.layer.className === 'InputLayer') {
      const v = locals.take(identifier(n.layer.name ?? 'input'));
      tensorVar.set(n.output, v);
      const shape = n.output.shape ?? [];
      const cfg = shape[0] === null ? `shape: ${lit(shape.slice(1))}` : `batchShape: ${lit(shape)}`;
      lines.push(`  const ${v} = tf.input({ ${cfg}${n.layer.name ? `, name: ${lit(n.layer.name)}` : ''} });`);
      continue;
    }
    const args = n.inputs.length === 1 && !isMerge(n) ? ref(n.inputs[0]!) : `[${n.inputs.map(ref).join(', ')}]`;
    const k = (count.get(n.layer) ?? 0) + 1;
    count.set(n.layer, k);
    const shared = (uses.get(n.layer) ?? 1) > 1 || !!n.layer.model;
    const base = identifier(n.layer.model ? (n.layer.model.name ?? 'inner') : (n.layer.name ?? n.layer.factory));
    if (shared) {
      let lv = layerVar.get(n.layer);
      if (!lv) {
        lv = locals.take(n.layer.model ? `${camel(n.layer.model.name ?? 'inner')}Model` : base);
        layerVar.set(n.layer, lv);
        lines.push(`  const ${lv} = ${n.layer.model ? `${fnName.get(n.layer.model)}()` : `tf.layers.${n.layer.factory}(${configText(n.layer)})`};`);
      }
      const v = locals.take(`${base}_${k}`);
      tensorVar.set(n.output, v);
      lines.push(`  const ${v} = ${lv}.apply(${args}) as tf.SymbolicTensor;`);
    } else {
      const v = locals.take(base);
      tensorVar.set(n.output, v);
      lines.push(`  const ${v} = tf.layers.${n.layer.factory}(${configText(n.layer)}).apply(${args}) as tf.SymbolicTensor;`);
    }
  }
  const list = (ts: TensorValue[]) => (ts.length === 1 ? ref(ts[0]!) : `[${ts.map(ref).join(', ')}]`);
  lines.push(`  return tf.model({ inputs: ${list(m.inputs)}, outputs: ${list(m.outputs)}${m.name ? `, name: ${lit(m.name)}` : ''} });`, '}');
  return lines.join('\n');
}

/** Merge layers take a list even when given one tensor. */
function isMerge(n: LayerNode): boolean {
  return n.layer.spec?.family === 'merge';
}
