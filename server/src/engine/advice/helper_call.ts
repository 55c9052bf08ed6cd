/**
 * When a layer is built by a shared helper (`conv(x, 32, 5)` → tf.layers.conv2d inside `conv`),
 * editing the helper would change every layer it builds. A layer inserted *in front of* this one can
 * instead go on the helper call's tensor argument, so only the layers of that call site change:
 * `conv(x, 32, 5)` → `conv(reduce.apply(x), 32, 5)`.
 */
import ts from 'typescript';
import type { Frame } from '../interp/frame';
import type { LayerNode } from '../tfjs/values';
import type { RuleContext } from './context';

export interface HelperCallInput {
  call: ts.CallExpression;
  /** The argument that passes the layer's input tensor. */
  arg: ts.Expression;
  /** Layers of the model built through this call expression (every run of it). */
  nodes: LayerNode[];
}

export function helperCallInput(ctx: RuleContext, n: LayerNode): HelperCallInput | undefined {
  const input = n.inputs[0];
  if (!input) return undefined;
  for (let f: Frame | undefined = n.layer.frame; f; f = f.parent) {
    const call = f.callNode;
    if (!call || !ts.isCallExpression(call) || f.callerModule?.path !== ctx.file) continue;
    const i = f.args.indexOf(input);
    if (i < 0) continue;
    const arg = call.arguments[i];
    if (!arg || ts.isSpreadElement(arg) || call.arguments.slice(0, i).some(ts.isSpreadElement)) return undefined;
    const nodes = ctx.nodes.filter((m) => m.layer.className === n.layer.className && madeThrough(m.layer.frame, call));
    return { call, arg, nodes };
  }
  return undefined;
}

function madeThrough(f: Frame | undefined, call: ts.Node): boolean {
  for (; f; f = f.parent) if (f.callNode === call) return true;
  return false;
}
