/**
 * Custom layers: `class Foo extends tf.layers.Layer` with its own computeOutputShape and build.
 * tfjs builds a layer on its first apply (build(inputShape), whose this.addWeight calls make its
 * weights) and takes the output shape from computeOutputShape (the identity unless overridden);
 * the analysis runs those two methods of the user's class the same way. When they cannot be run
 * to a known result the layer is still in the model, with what is unknown left unknown.
 */
import { isUnknown, unknown } from '../unknown';
import type { Interp } from '../interp/api';
import { ClassValue, HostObject, JsObject, NativeFunction, type Value, ownValue, toPlain } from '../interp/values';
import { UserThrow } from '../interp/completion';
import type { LayerOutput, LayerSpec, Shape, WeightSpec } from '../layers/types';
import type { TfSession } from './session';
import { OpaqueObject } from './namespace';

/** What the analysis keeps about one instance of a custom layer class. */
interface CustomState {
  config: Value;
  weights: WeightSpec[];
  /** build() ran (or was skipped because the user marked the layer built). */
  built: boolean;
  /** Something about the weights could not be known (build threw, a shape was unknown). */
  weightsUnknown: boolean;
}

/** `tf.layers.Layer`: the host class custom layers extend. */
export class LayerBaseClass extends HostObject {
  readonly typeName = 'tf.layers.Layer';
  private readonly states = new WeakMap<JsObject, CustomState>();

  constructor(private readonly session: TfSession) {
    super();
  }

  getProperty(_i: Interp, key: string): Value {
    return key === 'className' ? 'Layer' : undefined;
  }

  state(instance: JsObject): CustomState {
    let s = this.states.get(instance);
    if (!s) this.states.set(instance, (s = { config: new JsObject(), weights: [], built: false, weightsUnknown: false }));
    return s;
  }

  /** `super(config)`: the Layer constructor keeps the config (name, inputShape, trainable...). */
  override initInstance(_i: Interp, instance: JsObject, args: Value[]): void {
    this.state(instance).config = args[0] instanceof JsObject ? args[0] : new JsObject();
  }

  override instanceProperty(_i: Interp, instance: JsObject, key: string): Value {
    const s = this.state(instance);
    const fn = (name: string, impl: NativeFunction['impl']) => new NativeFunction(name, impl);
    switch (key) {
      case 'addWeight':
        return fn('addWeight', (_i2, _t, [name, shape, _dtype, _init, _reg, trainable]) => {
          const dims = shapeOf(shape);
          if (!dims) s.weightsUnknown = true;
          s.weights.push({ name: typeof name === 'string' ? name : 'weight', shape: dims ?? [null], trainable: trainable === undefined || trainable === null ? true : trainable !== false });
          return new OpaqueObject('LayerVariable');
        });
      case 'apply':
        return fn('apply', (_i2, _t, args, call) => this.session.applyLayer(this.session.customLayer(instance), args[0], call));
      case 'computeOutputShape':
        // tfjs's default: the output has the input's shape.
        return fn('computeOutputShape', (_i2, _t, [shape]) => shape);
      case 'build':
        return fn('build', () => undefined);
      case 'getClassName':
        return fn('getClassName', () => customClassName(instance.cls!, _i, instance));
      case 'getConfig':
        return fn('getConfig', () => s.config);
      case 'countParams':
        return fn('countParams', () => this.session.layerProperty(this.session.customLayer(instance), 'countParams', undefined as never, _i));
      case 'name': {
        const n = s.config instanceof JsObject ? ownValue(_i, s.config, 'name') : undefined;
        return typeof n === 'string' ? n : this.session.layerProperty(this.session.customLayer(instance), 'name', undefined as never, _i);
      }
      case 'trainable': {
        const t = s.config instanceof JsObject ? ownValue(_i, s.config, 'trainable') : undefined;
        return t === undefined ? true : t;
      }
      case 'built':
        return s.built;
      case 'inputShape':
      case 'outputShape':
      case 'input':
      case 'output':
        return this.session.layerProperty(this.session.customLayer(instance), key, undefined as never, _i);
      default:
        return undefined;
    }
  }

  /**
   * The layer spec of one instance: applying it runs the user's build() once (its addWeight calls
   * give the weights) and computeOutputShape() each time.
   */
  spec(ip: Interp, instance: JsObject, className: string): LayerSpec<undefined> {
    const s = this.state(instance);
    return {
      className,
      factories: [],
      family: 'other',
      configure: () => undefined,
      apply: (_c, inputShapes): LayerOutput => {
        const arg: Value = inputShapes.length === 1 ? shapeValue(inputShapes[0]!) : inputShapes.map(shapeValue);
        const cls = instance.cls!;
        let out: Shape | null = null;
        try {
          if (!s.built) {
            s.built = true;
            const build = cls.findMethod('build');
            if (build) ip.callFunction(build, instance, [arg], undefined);
          }
          const cos = cls.findMethod('computeOutputShape');
          const r = cos ? ip.callFunction(cos, instance, [arg], undefined) : arg;
          out = shapeOf(inputShapes.length === 1 || cos ? r : (r as Value[])[0]);
        } catch (e) {
          // The user's code threw on what the analysis knows: the layer's output stays unknown.
          if (!(e instanceof UserThrow)) throw e;
          s.weightsUnknown = true;
        }
        const weights = s.weightsUnknown ? [...s.weights, { name: 'unknown', shape: [null], trainable: true }] : s.weights.slice();
        return { outputShape: out, weights, macs: null, rf: { kind: 'drop' } };
      },
      describe: () => className,
    };
  }
}

/** The class name tfjs reports: the user's getClassName(), else the static className, else the class's name. */
export function customClassName(cls: ClassValue, ip: Interp, instance: JsObject): string {
  const own = cls.findMethod('getClassName');
  if (own) {
    const n = ip.callFunction(own, instance, [], undefined);
    if (typeof n === 'string') return n;
  }
  for (let c: ClassValue | undefined = cls; c; c = c.superClass) {
    const getter = c.statics.accessors?.get('className')?.get;
    const n = getter ? ip.callFunction(getter, c, [], undefined) : c.statics.get('className');
    if (typeof n === 'string') return n;
  }
  return cls.name;
}

/**
 * A shape as user code sees it: null for an unknown batch (tfjs's own null there), an Unknown for
 * any other dim the analysis does not know. A null there would be arithmetic's 0 (`h * 2` is 0),
 * where tfjs computes with the real size.
 */
function shapeValue(s: Shape): Value {
  return s.map((d, i) => (d === null && i > 0 ? unknown('a size of the input shape the analysis does not know') : d));
}

/** A shape user code returned (or passed to addWeight): null when it is not an array of sizes. */
function shapeOf(v: Value): Shape | null {
  if (!Array.isArray(v)) return null;
  const plain = toPlain(v) as unknown[];
  if (plain.some((d) => Array.isArray(d))) return null;
  return plain.map((d) => (typeof d === 'number' && Number.isInteger(d) && d >= 0 ? d : isUnknown(d) || d === null || d === undefined ? null : null));
}

