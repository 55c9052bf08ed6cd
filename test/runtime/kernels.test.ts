/**
 * ConvLens's training kernels against textbook loops, on random cases: stride 1 and 2, same and
 * valid padding, 1×1 to 7×7, dilation, on wasm and cpu. Then a whole conv layer's gradient on wasm
 * against stock tfjs cpu, through tfjs's own autodiff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackend, type LoadedBackend } from '../../server/src/runtime/backends';
import type { Tf } from '../../server/src/runtime/tf_types';
import { conv2dFilterGrad, conv2dInputGrad, depthwiseFilterGrad, depthwiseInputGrad, outSize, relativeError, rng, type Conv } from './naive_conv';

const TOL = 1e-4;

interface Case extends Conv {
  b: number; h: number; w: number; cin: number; cout: number;
}

function cases(seed: number, n: number): Case[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: Case[] = [];
  // Every kernel size with both paddings and both strides, then random extras with dilation.
  for (let k = 1; k <= 7; k++)
    for (const pad of ['same', 'valid'] as const)
      for (const stride of [1, 2]) out.push({ k, pad, stride, dilation: 1, b: 1 + Math.floor(r() * 3), h: 7 + Math.floor(r() * 6), w: 7 + Math.floor(r() * 6), cin: 1 + Math.floor(r() * 4), cout: 1 + Math.floor(r() * 4) });
  for (let i = 0; i < n; i++) {
    const dilation = pick([1, 2, 3]);
    out.push({ k: pick([1, 2, 3, 5, 7]), pad: pick(['same', 'valid'] as const), stride: dilation > 1 ? 1 : pick([1, 2]), dilation, b: 1 + Math.floor(r() * 3), h: 6 + Math.floor(r() * 10), w: 6 + Math.floor(r() * 10), cin: 1 + Math.floor(r() * 5), cout: 1 + Math.floor(r() * 5) });
  }
  return out.filter((c) => outSize(c.h, c) > 0 && outSize(c.w, c) > 0);
}

function randomArray(r: () => number, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
  return a;
}

const label = (c: Case) => `${c.k}×${c.k} s${c.stride} d${c.dilation} ${c.pad} x[${c.b},${c.h},${c.w},${c.cin}]→${c.cout}`;

function checkConvFilter(be: LoadedBackend, seed: number): number {
  const tf: Tf = be.tf;
  const r = rng(seed + 1);
  let count = 0;
  for (const c of cases(seed, 40)) {
    const oh = outSize(c.h, c), ow = outSize(c.w, c);
    const xa = randomArray(r, c.b * c.h * c.w * c.cin), dya = randomArray(r, c.b * oh * ow * c.cout);
    const x = tf.tensor4d(xa, [c.b, c.h, c.w, c.cin]), dy = tf.tensor4d(dya, [c.b, oh, ow, c.cout]);
    const before = tf.memory().numTensors;
    const got = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
      strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', filterShape: [c.k, c.k, c.cin, c.cout], dilations: [c.dilation, c.dilation],
    } as never) as unknown as import('@tensorflow/tfjs').Tensor;
    assert.deepEqual(got.shape, [c.k, c.k, c.cin, c.cout], label(c));
    const err = relativeError(got.dataSync(), conv2dFilterGrad(xa, [c.b, c.h, c.w, c.cin], dya, c, c.cout));
    assert.ok(err < TOL, `${be.name} Conv2DBackpropFilter ${label(c)}: relative error ${err}`);
    got.dispose();
    assert.equal(tf.memory().numTensors, before, `${label(c)}: tensors leaked`);
    x.dispose();
    dy.dispose();
    count++;
  }
  return count;
}

test('Conv2DBackpropFilter matches the naive reference on wasm', async () => {
  const be = await loadBackend({ choice: 'wasm' });
  assert.equal(be.name, 'wasm');
  const bytesBefore = be.tf.memory().numBytes;
  assert.ok(checkConvFilter(be, 7) >= 50);
  assert.equal(be.tf.memory().numBytes, bytesBefore, 'wasm memory leaked');
});

test('Conv2DBackpropFilter matches the naive reference on cpu', async () => {
  const be = await loadBackend({ choice: 'cpu' });
  assert.equal(be.name, 'cpu');
  assert.ok(checkConvFilter(be, 11) >= 50);
});

test('Conv2DBackpropInput matches the naive reference on wasm', async () => {
  const be = await loadBackend({ choice: 'wasm' });
  const tf = be.tf;
  const r = rng(21);
  let n = 0;
  for (const c of cases(3, 40)) {
    const oh = outSize(c.h, c), ow = outSize(c.w, c);
    const dya = randomArray(r, c.b * oh * ow * c.cout), wa = randomArray(r, c.k * c.k * c.cin * c.cout);
    const dy = tf.tensor4d(dya, [c.b, oh, ow, c.cout]), w = tf.tensor4d(wa, [c.k, c.k, c.cin, c.cout]);
    const before = tf.memory().numTensors;
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, {
      strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', inputShape: [c.b, c.h, c.w, c.cin], dilations: [c.dilation, c.dilation],
    } as never) as unknown as import('@tensorflow/tfjs').Tensor;
    assert.deepEqual(dx.shape, [c.b, c.h, c.w, c.cin], label(c));
    const err = relativeError(dx.dataSync(), conv2dInputGrad(dya, [c.b, c.h, c.w, c.cin], wa, c, c.cout));
    assert.ok(err < TOL, `Conv2DBackpropInput ${label(c)}: relative error ${err}`);
    dx.dispose();
    assert.equal(tf.memory().numTensors, before, `${label(c)}: tensors leaked`);
    tf.dispose([dy, w]);
    n++;
  }
  assert.ok(n >= 50);
});

test('the FusedBatchNorm gradient equals autodiff of the unfused formula', async () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    const { tf } = await loadBackend({ choice: backend });
    const x = tf.randomNormal([4, 5, 6, 3], 0, 2, 'float32', 1);
    const w = tf.randomNormal([4, 5, 6, 3], 0, 1, 'float32', 2);
    const gamma = tf.tensor1d([0.5, 1.5, -2]), beta = tf.tensor1d([0.1, 0, -0.3]);
    const eps = 1e-3;
    const fused = (t: import('@tensorflow/tfjs').Tensor) => {
      const { mean, variance } = tf.moments(t, [0, 1, 2]);
      return tf.sum(tf.mul(w, tf.batchNorm(t, mean, variance, beta, gamma, eps)));
    };
    const plain = (t: import('@tensorflow/tfjs').Tensor) => {
      const { mean, variance } = tf.moments(t, [0, 1, 2]);
      return tf.sum(tf.mul(w, tf.add(tf.mul(tf.mul(tf.sub(t, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta)));
    };
    const a = tf.grad(fused)(x), b = tf.grad(plain)(x);
    const err = relativeError(a.dataSync(), b.dataSync());
    assert.ok(err < TOL, `${backend}: FusedBatchNorm dx relative error ${err}`);
    const ga = tf.grads((s: import('@tensorflow/tfjs').Tensor) => tf.sum(tf.mul(w, tf.batchNorm(x, tf.moments(x, [0, 1, 2]).mean, tf.moments(x, [0, 1, 2]).variance, beta, s, eps))))([gamma])[0]!;
    const gb = tf.grads((s: import('@tensorflow/tfjs').Tensor) => { const { mean, variance } = tf.moments(x, [0, 1, 2]); return tf.sum(tf.mul(w, tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), s), beta))); })([gamma])[0]!;
    assert.ok(relativeError(ga.dataSync(), gb.dataSync()) < TOL, `${backend}: FusedBatchNorm dgamma`);
    tf.dispose([x, w, gamma, beta, a, b, ga, gb]);
  }
});

test('depthwise gradients match the naive reference on wasm', async () => {
  const be = await loadBackend({ choice: 'wasm' });
  const tf = be.tf;
  const r = rng(99);
  let n = 0;
  for (const c of cases(5, 30)) {
    const m = 1 + Math.floor(r() * 2);
    const oh = outSize(c.h, c), ow = outSize(c.w, c);
    const xa = randomArray(r, c.b * c.h * c.w * c.cin), dya = randomArray(r, c.b * oh * ow * c.cin * m), wa = randomArray(r, c.k * c.k * c.cin * m);
    const x = tf.tensor4d(xa, [c.b, c.h, c.w, c.cin]), dy = tf.tensor4d(dya, [c.b, oh, ow, c.cin * m]), w = tf.tensor4d(wa, [c.k, c.k, c.cin, m]);
    const attrs = { strides: [c.stride, c.stride], pad: c.pad, dilations: [c.dilation, c.dilation] };
    const dw = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: [c.k, c.k, c.cin, m] } as never) as unknown as import('@tensorflow/tfjs').Tensor;
    const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: [c.b, c.h, c.w, c.cin] } as never) as unknown as import('@tensorflow/tfjs').Tensor;
    const xs = [c.b, c.h, c.w, c.cin];
    const e1 = relativeError(dw.dataSync(), depthwiseFilterGrad(xa, xs, dya, c, m));
    const e2 = relativeError(dx.dataSync(), depthwiseInputGrad(dya, xs, wa, c, m));
    assert.ok(e1 < TOL, `DepthwiseConv2dNativeBackpropFilter ${label(c)} m${m}: ${e1}`);
    assert.ok(e2 < TOL, `DepthwiseConv2dNativeBackpropInput ${label(c)} m${m}: ${e2}`);
    tf.dispose([x, dy, w, dw, dx]);
    n++;
  }
  assert.ok(n >= 40);
});
