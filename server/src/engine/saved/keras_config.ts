/**
 * A saved layer config → the config the catalogue reads: tfjs's own conversion
 * (tfjs-layers utils/serialization_utils.ts convertPythonicToTs: keys *and* string values
 * camelCased, `name` kept), after the Keras 3 differences are folded into the Keras 2 form tfjs
 * writes. Keras options tfjs does not have and that change shapes or weights are reported, so such
 * a layer is unknown rather than wrong.
 */

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** tfjs generic_utils.toCamelCase. */
export function toCamelCase(s: string): string {
  if (s.length <= 1 || s.indexOf('_') === -1) return s;
  return s.replace(/[_]+(\w|$)/g, (_m, p1: string) => p1.toUpperCase());
}

/** tfjs convertPythonicToTs, for one layer config. */
export function pythonicToTs(v: unknown, key?: string, depth = 0): unknown {
  if (depth > 64) return undefined;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return toCamelCase(v);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => pythonicToTs(x, key, depth + 1));
  const out: Obj = {};
  for (const k of Object.keys(v as Obj)) {
    const x = (v as Obj)[k];
    if (k === 'name' && typeof x === 'string') out[k] = x;
    else {
      const tk = toCamelCase(k);
      out[tk] = pythonicToTs(x, tk, depth + 1);
    }
  }
  return out;
}

/**
 * Keras 3 wrote a few things differently from the Keras 2 form tfjs reads (InputLayer's
 * `batch_shape`, dtype policies as objects). Returns a new pythonic config in the Keras 2 form.
 */
export function keras2Form(className: string, config: Obj): Obj {
  const c: Obj = { ...config };
  if (className === 'InputLayer' && c.batch_input_shape === undefined && c.batch_shape !== undefined) {
    c.batch_input_shape = c.batch_shape;
    delete c.batch_shape;
  }
  if (className === 'InputLayer' && c.batch_input_shape === undefined && Array.isArray(c.shape)) {
    c.batch_input_shape = [null, ...c.shape];
    delete c.shape;
  }
  if (isObj(c.dtype)) delete c.dtype;
  return c;
}

/**
 * Keras options with no tfjs counterpart that change a layer's output or weights, with the value
 * that means "as tfjs does it". A layer using another value is left unknown (its shapes would be wrong).
 */
const KERAS_ONLY: { classes: RegExp; key: string; neutral: (v: unknown) => boolean; what: string }[] = [
  { classes: /^Global(Average|Max)Pooling[123]D$/, key: 'keepdims', neutral: (v) => v === false || v == null, what: 'keepdims=True keeps the spatial axes' },
  { classes: /^(Conv[123]D|Convolution[123]D)$/, key: 'groups', neutral: (v) => v === 1 || v == null, what: 'grouped convolution (groups > 1)' },
  { classes: /^Conv[123]DTranspose$/, key: 'output_padding', neutral: (v) => v == null, what: 'output_padding' },
  { classes: /^(Dense|EinsumDense|Embedding|Conv[123]D)$/, key: 'lora_rank', neutral: (v) => v == null, what: 'LoRA weights (lora_rank)' },
];

/** Why this config cannot be shaped as tfjs would, or undefined. */
export function kerasOnlyOption(className: string, config: Obj): string | undefined {
  for (const k of KERAS_ONLY) if (k.classes.test(className) && config[k.key] !== undefined && !k.neutral(config[k.key])) return k.what;
  return undefined;
}
