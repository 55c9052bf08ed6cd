/**
 * Compares what the engine states about one model with what tfjs builds, over every instantiation
 * of the model's symbols. Each stated number is checked on its own:
 *   a concrete number must equal tfjs's in every instantiation (else: wrong);
 *   an expression (the `…Expr` fields) must evaluate to tfjs's number in every instantiation
 *     (else: wrong; one that names a symbol the header does not know: unverifiable);
 *   null is unknown — acceptable, but not exact.
 * Checked: totals (params, trainable, non-trainable), input and output shapes, and per layer
 * (when the engine's layer list has tfjs's classes in tfjs's order) params, trainable params and
 * output shape. MACs are not checked: tfjs has no MAC count (the catalogue's unit tests check them).
 */
import type { ModelReport } from '../../../server/src/engine';
import { ExprError, evaluate, exprText } from './expr';
import type { Header } from './header';
import type { Instance } from './truth';

export type Verdict = 'exact' | 'symbolic' | 'unknown' | 'wrong' | 'unverifiable';

export interface Judgement {
  verdict: Verdict;
  /** Stated numbers that differ from tfjs. */
  wrong: string[];
  /** Expressions that could not be evaluated. */
  unverifiable: string[];
  /** What the engine left unknown (a sample). */
  unknown: string[];
}

type Dim = number | null;
/** Fields the engine may add for symbolic sizes (issue 11); read when present. */
type Stated = ModelReport & Record<string, unknown>;
type State = 'exact' | 'symbolic' | 'unknown';

class Checker {
  readonly wrong: string[] = [];
  readonly unverifiable: string[] = [];
  readonly unknown: string[] = [];
  private readonly states = new Set<State>();

  constructor(
    private readonly instances: Instance[],
    private readonly header: Header,
  ) {}

  private lookup(sym: Record<string, number>) {
    return (name: string): number | undefined => {
      if (name in sym) return sym[name];
      for (const [s, spec] of Object.entries(this.header.symbols ?? {})) if (spec.aliases?.includes(name)) return sym[s];
      return undefined;
    };
  }

  private where(i: number): string {
    const s = this.instances[i]!.sym;
    return this.instances.length > 1 ? ` (with ${Object.entries(s).map(([k, v]) => `${k}=${v}`).join(', ')})` : '';
  }

  /** One number: `stated` (concrete or null) and its expression, against tfjs's value per instance. */
  num(label: string, stated: Dim | undefined, expr: unknown, truth: (inst: Instance) => Dim): void {
    const truths = this.instances.map(truth);
    let text: string | number | undefined;
    try {
      text = exprText(expr);
    } catch (e) {
      this.unverifiable.push(`${label}: ${(e as Error).message}`);
    }
    if (typeof stated === 'number') {
      const bad = truths.findIndex((t) => t !== stated);
      if (bad >= 0) this.wrong.push(`${label}: states ${stated}, tfjs ${truths[bad]}${this.where(bad)}`);
    }
    if (text !== undefined) {
      for (let i = 0; i < truths.length; i++) {
        try {
          const v = evaluate(text, this.lookup(this.instances[i]!.sym));
          if (v !== truths[i]) {
            this.wrong.push(`${label}: expression ${JSON.stringify(text)} gives ${v}, tfjs ${truths[i]}${this.where(i)}`);
            break;
          }
        } catch (e) {
          if (!(e instanceof ExprError)) throw e;
          this.unverifiable.push(`${label}: ${e.message}`);
          break;
        }
      }
    }
    if (typeof stated === 'number') this.states.add('exact');
    else if (text !== undefined) this.states.add('symbolic');
    else if (truths.every((t) => t === null)) this.states.add('exact');
    else {
      this.states.add('unknown');
      if (this.unknown.length < 6) this.unknown.push(label);
    }
  }

  /** A shape: a stated rank must be tfjs's; then each dim as a number. null (or [] before issue 11) from the engine: rank unknown. */
  shape(label: string, stated: Dim[] | null | undefined, expr: unknown, truth: (inst: Instance) => Dim[]): void {
    const truths = this.instances.map(truth);
    if (!stated || (stated.length === 0 && truths[0]!.length > 0)) {
      this.states.add('unknown');
      if (this.unknown.length < 6) this.unknown.push(`${label} (rank)`);
      return;
    }
    const bad = truths.findIndex((t) => t.length !== stated.length);
    if (bad >= 0) {
      this.wrong.push(`${label}: states rank ${stated.length} ${fmt(stated)}, tfjs ${fmt(truths[bad]!)}${this.where(bad)}`);
      return;
    }
    const exprs = Array.isArray(expr) ? expr : [];
    stated.forEach((d, k) => this.num(`${label}[${k}]`, d, exprs[k], (inst) => truth(inst)[k] ?? null));
  }

  state(): State {
    return this.states.has('unknown') ? 'unknown' : this.states.has('symbolic') ? 'symbolic' : 'exact';
  }

  unknownField(label: string): void {
    this.states.add('unknown');
    if (this.unknown.length < 6) this.unknown.push(label);
  }

  /** The engine's layer list differs from tfjs's: unknown when its totals admit it, wrong when they claim completeness. */
  layerListDiffers(message: string, claimsComplete: boolean): void {
    if (claimsComplete) this.wrong.push(message);
    else this.unknownField('layer list');
  }
}

function fmt(s: Dim[]): string {
  return `[${s.map((d) => (d === null ? 'null' : d)).join(',')}]`;
}

export function judge(report: Stated, instances: Instance[], header: Header): Judgement {
  const c = new Checker(instances, header);
  c.num('totalParams', report.totalParams, report.totalParamsExpr, (i) => i.truth.totalParams);
  c.num('trainableParams', report.trainableParams, report.trainableParamsExpr, (i) => i.truth.trainableParams);
  c.num('nonTrainableParams', report.nonTrainableParams, report.nonTrainableParamsExpr, (i) => i.truth.nonTrainableParams);
  for (const kind of ['inputShapes', 'outputShapes'] as const) {
    const stated = report[kind];
    const exprs = Array.isArray(report[`${kind}Expr`]) ? (report[`${kind}Expr`] as unknown[]) : [];
    const n = instances[0]!.truth[kind].length;
    if (stated.length !== n) {
      if (stated.length) c.wrong.push(`${kind}: states ${stated.length} tensors, tfjs ${n}`);
      else c.unknownField(kind);
      continue;
    }
    stated.forEach((s, j) => c.shape(`${kind}[${j}]`, s, exprs[j], (i) => i.truth[kind][j]!));
  }
  // Per layer, when the list is tfjs's in every instantiation.
  const classes = (xs: { className: string }[]) => xs.map((l) => l.className).join(',');
  const ours = classes(report.layers);
  const differing = instances.find((i) => classes(i.truth.layers) !== ours);
  if (differing) {
    const t = differing.truth.layers;
    c.layerListDiffers(`layers: states ${report.layers.length} (${abbrev(report.layers)}), tfjs ${t.length} (${abbrev(t)})`, report.totalParams !== null);
  } else {
    report.layers.forEach((l, k) => {
      const ll = l as typeof l & Record<string, unknown>;
      const name = `layer ${k} ${l.className}`;
      c.num(`${name} params`, l.params, ll.paramsExpr, (i) => i.truth.layers[k]!.params);
      c.num(`${name} trainable`, l.trainableParams, ll.trainableParamsExpr, (i) => i.truth.layers[k]!.trainable);
      // A layer with several outputs (a multi-output model used as a layer) states each: tfjs's outputShape is then a list of shapes.
      const several = ll.outputShapes as (Dim[] | null)[] | undefined;
      const truthSeveral = (i: Instance) => i.truth.layers[k]!.outputShape as unknown as Dim[][];
      if (l.outputShape === null && Array.isArray(several) && instances.every((i) => Array.isArray(truthSeveral(i)[0]))) {
        const bad = instances.find((i) => truthSeveral(i).length !== several.length);
        if (bad) c.wrong.push(`${name}: states ${several.length} outputs, tfjs ${truthSeveral(bad).length}`);
        else several.forEach((s, j) => c.shape(`${name} output ${j}`, s, undefined, (i) => truthSeveral(i)[j]!));
      } else c.shape(`${name} output`, l.outputShape, ll.outputShapeExpr, (i) => i.truth.layers[k]!.outputShape);
    });
  }
  const verdict: Verdict = c.wrong.length ? 'wrong' : c.unverifiable.length ? 'unverifiable' : c.state();
  return { verdict, wrong: c.wrong, unverifiable: c.unverifiable, unknown: c.unknown };
}

function abbrev(ls: { className: string }[]): string {
  const s = ls.map((l) => l.className).join(' ');
  return s.length > 90 ? `${s.slice(0, 87)}...` : s || 'none';
}
