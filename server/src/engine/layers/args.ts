/**
 * Reading a layer config the way tfjs's constructors read it, with two differences:
 * - an `Unknown` value never throws; it reads as `null` ("unknown"), and shapes carry null;
 * - wrong types (a string where a number goes, a missing required key) throw a LayerError with a
 *   sentence a person can act on, never a raw TypeError.
 */
import { OPEN_KEYS, isUnknown } from '../unknown';
import { LayerError, type ConfigValue, type LayerConfig } from './types';

export type Maybe<T> = T | null; // null: the value is an Unknown

/** A config value as the user would have written it, for messages. */
export function show(v: unknown): string {
  if (isUnknown(v)) return 'an unknown value';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'function') return 'a function';
  return 'an object';
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/**
 * The Unknown a key read from config `cfg` is when the config does not have it, because an unknown
 * object was spread into it (interp/values.ts toPlain); undefined for a config the file spells out.
 */
export function openKeys(cfg: unknown): ConfigValue {
  return cfg !== null && typeof cfg === 'object' ? ((cfg as { [OPEN_KEYS]?: ConfigValue })[OPEN_KEYS]) : undefined;
}

/** Reads one layer's config; every error names the layer and the key. */
export class Args {
  /** The config's own keys; {} when the whole config is Unknown or not an object. */
  readonly cfg: LayerConfig;
  /** Set when the whole config is an Unknown: every key then reads as that Unknown. */
  private readonly whole: ConfigValue;
  /**
   * Set when an unknown object was spread into the config (`{ units: 8, ...opts }`): a key it does
   * not have reads as this Unknown, since the unknown object may set it.
   */
  private readonly open: ConfigValue;

  constructor(
    readonly layer: string,
    config: unknown,
  ) {
    // tfjs reads `args.x` off whatever it is given: an array (tf.layers.add([a, b])) or a number
    // has no such keys, so it behaves like {}.
    this.whole = isUnknown(config) ? config : undefined;
    this.cfg = config !== null && typeof config === 'object' && !isUnknown(config) ? (config as LayerConfig) : {};
    this.open = openKeys(this.cfg);
  }

  private value(key: string): ConfigValue {
    if (this.whole !== undefined) return this.whole;
    const v = this.cfg[key];
    return v === undefined && this.open !== undefined && !Object.prototype.hasOwnProperty.call(this.cfg, key) ? this.open : v;
  }

  fail(message: string, hint?: string): never {
    throw new LayerError(`${this.layer}: ${message}`, 'config', hint);
  }

  raw(key: string): ConfigValue {
    return this.value(key);
  }

  /** tfjs tests `args.x == null` for "not given". */
  given(key: string): boolean {
    return this.value(key) !== undefined && this.value(key) !== null;
  }

  /** Given with a known value (the checks that forbid a combination of keys use this). */
  known(key: string): boolean {
    return this.given(key) && !this.unknown(key);
  }

  unknown(key: string): boolean {
    return isUnknown(this.value(key));
  }

  /** A number (any value); null when Unknown. */
  num(key: string, def: number): Maybe<number> {
    const v = this.value(key);
    if (v === undefined || v === null) return def;
    if (isUnknown(v)) return null;
    if (typeof v !== 'number' || Number.isNaN(v)) this.fail(`'${key}' must be a number, got ${show(v)}.`);
    return v;
  }

  /** A required number (rate, stddev): tfjs reads it blindly, so a missing one silently misbehaves. */
  requiredNum(key: string, hint: string): Maybe<number> {
    if (!this.given(key)) this.fail(`'${key}' is required.`, hint);
    return this.num(key, 0);
  }

  /** A positive integer (tfjs assertPositiveInteger / our stricter reading). */
  posInt(key: string, opts: { def?: number; hint?: string; allowZero?: boolean } = {}): Maybe<number> {
    const v = this.value(key);
    if (v === undefined || v === null) {
      if (opts.def !== undefined) return opts.def;
      this.fail(`'${key}' is required.`, opts.hint);
    }
    if (isUnknown(v)) return null;
    const min = opts.allowZero ? 0 : 1;
    if (!isInt(v) || v < min) {
      const want = opts.allowZero ? 'a non-negative integer' : 'a positive integer';
      this.fail(`'${key}' must be ${want}, got ${show(v)}.`, typeof v === 'string' ? `write ${key}: ${v} (a number, not a string)` : opts.hint);
    }
    return v;
  }

  /** An integer of either sign (axis). */
  int(key: string, def: number): Maybe<number> {
    const v = this.value(key);
    if (v === undefined || v === null) return def;
    if (isUnknown(v)) return null;
    if (!isInt(v)) this.fail(`'${key}' must be an integer, got ${show(v)}.`);
    return v;
  }

  /**
   * A number or an array of exactly `n` numbers, each a positive integer (kernelSize, strides,
   * dilationRate, poolSize, size). tfjs's normalizeArray repeats a scalar and checks an array's
   * length; it does not check a scalar is a positive integer, which we do (a 1.5 stride or a 0
   * kernel gives meaningless shapes in tfjs).
   */
  tuple(key: string, n: number, def: number | number[] | undefined, what = key): Maybe<number>[] {
    let v = this.value(key);
    if (v === undefined || v === null) {
      if (def === undefined) this.fail(`'${key}' is required.`, `e.g. ${key}: 3`);
      v = def;
    }
    if (isUnknown(v)) return new Array<Maybe<number>>(n).fill(null);
    const list = Array.isArray(v) ? v : typeof v === 'number' ? new Array<ConfigValue>(n).fill(v) : undefined;
    const want = `a number or an array of ${n} number${n > 1 ? 's' : ''}`;
    if (list === undefined) {
      this.fail(`'${key}' must be ${want}, got ${show(v)}.`, typeof v === 'string' ? `write ${key}: ${v} (a number)` : undefined);
    }
    if (list.length !== n) {
      this.fail(
        `'${key}' must be ${want}, got ${list.length} value${list.length === 1 ? '' : 's'} (${show(v)}).`,
        n === 1 ? `write ${key}: ${show(list[0])}` : `give one ${what} per spatial axis, e.g. ${key}: [${new Array(n).fill(list[0] ?? 1).map(show).join(', ')}]`,
      );
    }
    return list.map((e) => {
      if (isUnknown(e)) return null;
      if (!isInt(e) || e < 1) this.fail(`every ${what} in '${key}' must be a positive integer, got ${show(v)}.`);
      return e;
    });
  }

  /** One of a set of strings (padding, dataFormat, interpolation). */
  oneOf<T extends string>(key: string, values: readonly T[], def: T): Maybe<T> {
    const v = this.value(key);
    if (v === undefined || v === null) return def;
    if (isUnknown(v)) return null;
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      const close = typeof v === 'string' ? values.find((x) => x.toLowerCase().replace(/_/g, '') === v.toLowerCase().replace(/_/g, '')) : undefined;
      this.fail(`'${key}' must be one of ${values.map((x) => `'${x}'`).join(', ')}; got ${show(v)}.`, close ? `write ${key}: '${close}'` : undefined);
    }
    return v as T;
  }

  /**
   * A boolean whose value changes shapes or weights (useBias, returnSequences): null when Unknown,
   * so nothing that depends on it is stated.
   */
  flag(key: string, def: boolean): Maybe<boolean> {
    const v = this.value(key);
    if (isUnknown(v)) return null;
    if (v === undefined || v === null) return def;
    return Boolean(v);
  }

  /** tfjs reads booleans by truthiness (`x == null ? def : x`, then `if (x)`). Unknown: tfjs's default (only for checks a wrong guess cannot turn into a number). */
  bool(key: string, def: boolean): boolean {
    const v = this.value(key);
    if (v === undefined || v === null || isUnknown(v)) return def;
    return Boolean(v);
  }

  /** The `activation` option: a name tfjs's registry resolves, checked as tfjs does. */
  activation(key = 'activation'): Maybe<string> {
    const v = this.value(key);
    if (v === undefined || v === null) return 'linear';
    if (isUnknown(v)) return null;
    if (typeof v !== 'string') return 'custom'; // an Activation object: shape-neutral
    if (ACTIVATIONS.includes(v) || ACCIDENTAL_ACTIVATIONS.includes(v)) return v;
    const close = closest(ACTIVATIONS, v);
    if (/leaky|prelu/i.test(v) && !close) this.fail(`unknown activation ${show(v)}: tfjs has no such activation function.`, `add tf.layers.${/leaky/i.test(v) ? 'leakyReLU' : 'prelu'}() as a separate layer after this one`);
    if (REJECTED_ACTIVATIONS.includes(v)) {
      this.fail(`activation '${v}' names a layer class, not an activation; tfjs builds a hidden ${v} layer whose weights no summary counts.`, close ? `write activation: '${close}', or add tf.layers.${v[0]!.toLowerCase()}${v.slice(1)}() as a layer` : undefined);
    }
    this.fail(`unknown activation ${show(v)}.`, close ? `write activation: '${close}'` : `use one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`);
  }

  /** Initializer / regularizer / constraint given as a string must be a name tfjs resolves. */
  identifier(key: string, kind: 'initializer' | 'regularizer' | 'constraint'): void {
    const v = this.value(key);
    if (typeof v !== 'string') return; // absent, Unknown, or an object: nothing to check
    const known = kind === 'initializer' ? INITIALIZERS : kind === 'regularizer' ? REGULARIZERS : CONSTRAINTS;
    if (known.includes(v)) return;
    const close = closest(known, v) ?? (/xavier/i.test(v) ? 'glorotUniform' : /kaiming|msra/i.test(v) ? 'heNormal' : undefined);
    this.fail(`unknown ${kind} ${show(v)} for '${key}'.`, close ? `write ${key}: '${close}'` : `use one of ${known.filter((k) => /^[a-z]/.test(k)).map((k) => `'${k}'`).join(', ')}`);
  }

  /** Base Layer options every layer accepts. */
  trainable(): boolean {
    return this.bool('trainable', true);
  }
}

/** The name meant by a miscased or snake_cased spelling ('Relu', 'hard_sigmoid', 'he_normal'). */
function closest(names: readonly string[], v: string): string | undefined {
  const norm = (x: string) => x.toLowerCase().replace(/_/g, '');
  return names.find((a) => norm(a) === norm(v));
}

/** tfjs-layers activations.ts: the names registered for getActivation(). */
export const ACTIVATIONS: readonly string[] = [
  'elu', 'selu', 'relu', 'relu6', 'linear', 'sigmoid', 'hardSigmoid', 'softplus', 'softsign',
  'tanh', 'softmax', 'logSoftmax', 'gelu', 'gelu_new', 'mish', 'swish',
];

/**
 * getActivation() looks a string up in tfjs's *shared* serialization registry, so the class name of
 * any registered shape-preserving layer or constraint also "works" as an activation (checked against
 * tfjs 4.22: dense + forward pass). We accept those the way tfjs does.
 */
const ACCIDENTAL_ACTIVATIONS: readonly string[] = [
  'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'Dropout', 'Activation', 'Masking', 'GaussianNoise',
  'GaussianDropout', 'AlphaDropout', 'MaxNorm', 'UnitNorm', 'NonNeg', 'MinMaxNorm',
];

/** These also resolve in tfjs but create weights that countParams() misses, or fail on rank > 2. */
const REJECTED_ACTIVATIONS: readonly string[] = ['PReLU', 'Softmax', 'BatchNormalization', 'LayerNormalization'];

/** initializers.ts INITIALIZER_IDENTIFIER_REGISTRY_SYMBOL_MAP keys and the class names they map to. */
const INITIALIZERS: readonly string[] = [
  'constant', 'glorotNormal', 'glorotUniform', 'heNormal', 'heUniform', 'identity', 'leCunNormal',
  'leCunUniform', 'ones', 'orthogonal', 'randomNormal', 'randomUniform', 'truncatedNormal',
  'varianceScaling', 'zeros', 'Constant', 'GlorotNormal', 'GlorotUniform', 'HeNormal', 'HeUniform',
  'Identity', 'LeCunNormal', 'LeCunUniform', 'Ones', 'Orthogonal', 'RandomNormal', 'RandomUniform',
  'TruncatedNormal', 'VarianceScaling', 'Zeros',
];
const REGULARIZERS: readonly string[] = ['l1l2', 'L1L2'];
const CONSTRAINTS: readonly string[] = ['maxNorm', 'minMaxNorm', 'nonNeg', 'unitNorm', 'MaxNorm', 'MinMaxNorm', 'NonNeg', 'UnitNorm'];

/** Checks the initializer/regularizer/constraint strings a layer accepts (only the keys present). */
export function checkIdentifiers(a: Args, keys: { init?: string[]; reg?: string[]; con?: string[] }): void {
  for (const k in a.cfg) {
    if (typeof a.cfg[k] !== 'string') continue; // absent, Unknown or an object: nothing to check
    if (keys.init?.includes(k)) a.identifier(k, 'initializer');
    else if (keys.reg?.includes(k)) a.identifier(k, 'regularizer');
    else if (keys.con?.includes(k)) a.identifier(k, 'constraint');
  }
}
