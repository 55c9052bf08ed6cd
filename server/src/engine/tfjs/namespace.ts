/**
 * The `tf` namespace as user code imports it from '@tensorflow/tfjs' (or -node, -node-gpu,
 * -layers). Layer factories, tf.input / tf.sequential / tf.model are modelled; everything else is
 * an inert stand-in that yields Unknown, so training code around the model never disturbs analysis.
 */
import { Unknown } from '../unknown';
import type { Interp } from '../interp/api';
import { HostObject, NativeFunction, type Value } from '../interp/values';
import type { TfSession } from './session';
import { TFJS_LAYERS_KEYS } from './layers_keys';

export const TFJS_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-layers'];

export function isTfjsPackage(spec: string): boolean {
  return TFJS_PACKAGES.includes(spec);
}

/** `tf.layers`: every property is a layer factory; the catalogue decides whether it is known. */
class LayersNamespace extends HostObject {
  readonly typeName = 'tf.layers';
  private readonly cache = new Map<string, NativeFunction>();
  constructor(private readonly session: TfSession) {
    super();
  }
  /**
   * Every member of tfjs 4.22's tf.layers is known (layers_keys.ts): any other is undefined, as in
   * tfjs, so feature tests (`tf.layers.cropping2D || tf.layers.cropping2d`, `typeof ... ===
   * 'function'`) take tfjs's branch, and calling one is the call path's "does not exist" warning.
   */
  override get exactMembers(): boolean {
    return true;
  }
  getProperty(_i: Interp, key: string): Value {
    // The base class custom layers extend.
    if (key === 'Layer') return this.session.layerBase;
    let f = this.cache.get(key);
    if (!f) {
      if (key === 'inputLayer') f = new NativeFunction('tf.layers.inputLayer', (_i2, _t, args, call) => this.session.createInputLayer(args, call));
      // tf.layers.input is tfjs's alias of tf.input (exported from the layers namespace too).
      else if (key === 'input') f = new NativeFunction('tf.layers.input', (_i2, _t, args, call) => this.session.createInput(args, call));
      else if (!TFJS_LAYERS_KEYS.has(key)) return undefined;
      else f = new NativeFunction(`tf.layers.${key}`, (_i2, _t, args, call) => this.session.createLayer(key, args, call));
      this.cache.set(key, f);
    }
    return f;
  }
}

/** Namespaces whose members are opaque config objects (tf.initializers.heNormal(), tf.train.adam()). */
class OpaqueNamespace extends HostObject {
  constructor(readonly typeName: string) {
    super();
  }
  getProperty(_i: Interp, key: string): Value {
    return new NativeFunction(`${this.typeName}.${key}`, () => new OpaqueObject(`${this.typeName}.${key}()`));
  }
}

/** An optimizer, initializer, regularizer...: carried around as a value, never inspected. */
export class OpaqueObject extends HostObject {
  constructor(readonly typeName: string) {
    super();
  }
  getProperty(_i: Interp, key: string): Value {
    return new Unknown(`${this.typeName}.${key}`);
  }
}

export class TfNamespace extends HostObject {
  readonly typeName = 'tf';
  private readonly members = new Map<string, Value>();
  constructor(readonly session: TfSession) {
    super();
    const s = session;
    const layers = new LayersNamespace(s);
    const fn = (name: string, impl: NativeFunction['impl']) => new NativeFunction(`tf.${name}`, impl);
    this.members.set('layers', layers);
    this.members.set('input', fn('input', (_i, _t, args, call) => s.createInput(args, call)));
    this.members.set('sequential', fn('sequential', (_i, _t, args, call) => s.createSequential(args, call)));
    this.members.set('model', fn('model', (_i, _t, args, call) => s.createFunctional(args, call)));
    this.members.set('loadLayersModel', fn('loadLayersModel', (_i, _t, args) => s.modelLoader?.(s, args[0]) ?? new Unknown('tf.loadLayersModel: files are not read here')));
    this.members.set('tidy', fn('tidy', (i, _t, args, call) => {
      const f = typeof args[0] === 'string' ? args[1] : args[0];
      return i.callFunction(f, undefined, [], call);
    }));
    for (const ns of ['train', 'initializers', 'regularizers', 'constraints', 'losses', 'metrics', 'callbacks', 'data', 'io', 'util', 'backend_util'])
      this.members.set(ns, new OpaqueNamespace(`tf.${ns}`));
    this.members.set('default', this);
  }
  getProperty(_i: Interp, key: string): Value {
    const m = this.members.get(key);
    if (m !== undefined) return m;
    // Tensor maths, backends, I/O: run-time only.
    return new NativeFunction(`tf.${key}`, () => new Unknown(`tf.${key}() is run-time only; not analysed`));
  }
}
