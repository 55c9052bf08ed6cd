/** The abstract interpreter on plain JavaScript: what model-building code uses to compute configs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter } from '../../server/src/engine/interp/interpreter';
import { DEFAULT_LIMITS } from '../../server/src/engine/interp/budget';
import { JsObject, toPlain, type Value } from '../../server/src/engine/interp/values';
import { isUnknown } from '../../server/src/engine/unknown';

function run(code: string, files: Record<string, string> = {}, limits = DEFAULT_LIMITS) {
  const interp = new Interpreter({ host: { readFile: (p) => files[p] }, resolvePackage: () => undefined, limits });
  const rec = interp.loadModule('/m/main.ts', code);
  const get = (name: string): unknown => {
    const v = rec.scope.lookup(name)?.value as Value;
    return v instanceof JsObject || Array.isArray(v) ? toPlain(v) : v;
  };
  return { get, diagnostics: interp.diagnostics };
}

test('arithmetic, **, Math, template strings', () => {
  const { get } = run('const a = 2 ** 10; const b = Math.max(3, 7) + Math.floor(7 / 2); const s = `c${a}_${b}`; let c = 5; c += 2; c **= 2;');
  assert.equal(get('a'), 1024);
  assert.equal(get('b'), 10);
  assert.equal(get('s'), 'c1024_10');
  assert.equal(get('c'), 49);
});

test('functions, default parameters, closures, arrows', () => {
  const { get } = run(`
    function f(x, y = x * 2) { return x + y; }
    const mk = (k) => (v) => v * k;
    const triple = mk(3);
    const r1 = f(2); const r2 = f(2, 1); const r3 = triple(5);
    let counter = 0; const inc = () => { counter++; }; inc(); inc();
  `);
  assert.equal(get('r1'), 6);
  assert.equal(get('r2'), 3);
  assert.equal(get('r3'), 15);
  assert.equal(get('counter'), 2);
});

test('destructuring with defaults, in parameters too; object and array spread', () => {
  const { get } = run(`
    const cfg = { filters: 64, kernel: 3 };
    const { filters, kernel = 5, strides = 2, ...rest } = { ...cfg, pad: 'same' };
    const [, h, w, c = 9] = [null, 32, 16];
    function g({ a = 1, b } = {}, [x, y] = [7, 8]) { return a + (b ?? 0) + x + y; }
    const r = g({ b: 10 }); const r0 = g();
    const arr = [...[1, 2], 3, ...[4]];
  `);
  assert.equal(get('filters'), 64);
  assert.equal(get('kernel'), 3);
  assert.equal(get('strides'), 2);
  assert.deepEqual(get('rest'), { pad: 'same' });
  assert.equal(get('h'), 32);
  assert.equal(get('w'), 16);
  assert.equal(get('c'), 9);
  assert.equal(get('r'), 26);
  assert.equal(get('r0'), 16);
  assert.deepEqual(get('arr'), [1, 2, 3, 4]);
});

test('classes: constructor, fields, parameter properties, static members, methods, getters, super', () => {
  const { get } = run(`
    class Base {
      static count = 2;
      width = 8;
      constructor(public depth = 3) {}
      get size() { return this.width * this.depth; }
      describe() { return 'base' + this.size; }
      static make() { return new this(); }
    }
    class Derived extends Base {
      extra = this.width + 1;
      constructor(d) { super(d); this.tag = 'x'; }
      describe() { return super.describe() + '!' + this.extra; }
    }
    const d = new Derived(5);
    const s = d.describe();
    const st = Base.count;
    const tag = d.tag;
  `);
  assert.equal(get('s'), 'base40!9');
  assert.equal(get('st'), 2);
  assert.equal(get('tag'), 'x');
});

test('control flow: if/else, ternary, switch with fall-through, labels, do/while, for-in, for-of', () => {
  const { get } = run(`
    let out = [];
    for (let i = 0; i < 10; i++) { if (i % 2) continue; if (i > 6) break; out.push(i); }
    let k = 0; do { k += 3; } while (k < 10);
    let w = 1; while (w < 100) w *= 3;
    function sw(x) { switch (x) { case 1: case 2: return 'small'; case 3: { return 'three'; } default: return 'big'; } }
    const sws = [sw(1), sw(3), sw(9)];
    const keys = []; for (const key in { a: 1, b: 2 }) keys.push(key);
    let pairs = 0; outer: for (const a of [1, 2, 3]) { for (const b of [1, 2, 3]) { if (b === 2) continue outer; pairs++; } }
    const t = out.length > 3 ? 'long' : 'short';
  `);
  assert.deepEqual(get('out'), [0, 2, 4, 6]);
  assert.equal(get('k'), 12);
  assert.equal(get('w'), 243);
  assert.deepEqual(get('sws'), ['small', 'three', 'big']);
  assert.deepEqual(get('keys'), ['a', 'b']);
  assert.equal(get('pairs'), 3);
  assert.equal(get('t'), 'long');
});

test('array methods: map, forEach, reduce, push, slice, concat, fill, Array.from', () => {
  const { get } = run(`
    const a = [1, 2, 3].map((x, i) => x * 10 + i);
    let s = 0; a.forEach((x) => { s += x; });
    const r = a.reduce((acc, x) => acc + x, 0);
    const b = a.slice(1).concat([7], 8);
    const f = new Array(3).fill(4);
    const g = Array.from({ length: 4 }, (_, i) => i * i);
    const h = Array.from([5, 6]);
    const stages = [3, 4, 6, 3]; const total = stages.reduce((x, y) => x + y);
    const filt = g.filter((x) => x > 1).find((x) => x > 4);
  `);
  assert.deepEqual(get('a'), [10, 21, 32]);
  assert.equal(get('s'), 63);
  assert.equal(get('r'), 63);
  assert.deepEqual(get('b'), [21, 32, 7, 8]);
  assert.deepEqual(get('f'), [4, 4, 4]);
  assert.deepEqual(get('g'), [0, 1, 4, 9]);
  assert.deepEqual(get('h'), [5, 6]);
  assert.equal(get('total'), 16);
  assert.equal(get('filt'), 9);
});

test('try/catch/finally and user throw', () => {
  const { get } = run(`
    let log = [];
    try { throw new Error('boom'); } catch (e) { log.push(e.message); } finally { log.push('done'); }
  `);
  assert.deepEqual(get('log'), ['boom', 'done']);
});

test('relative imports, named/default/namespace, re-exports', () => {
  const files = {
    '/m/util.ts': `export const WIDTH = 64; export default function twice(x) { return 2 * x; } export function inc(x) { return x + 1; }`,
    '/m/index.ts': `export * from './util'; export { default as twice2 } from './util';`,
  };
  const { get } = run(
    `import twice, { WIDTH as W } from './util'; import * as u from './util.js'; import { inc, twice2 } from './index';
     const a = twice(W); const b = u.inc(1); const c = inc(twice2(3));`,
    files,
  );
  assert.equal(get('a'), 128);
  assert.equal(get('b'), 2);
  assert.equal(get('c'), 7);
});

test('unknown values flow through arithmetic and keep a reason', () => {
  const { get } = run(`const x = someGlobal * 2 + 1; const y = [1, x].length;`);
  const x = get('x');
  assert.ok(isUnknown(x));
  assert.match(String((x as { reason: string }).reason), /someGlobal/);
  assert.equal(get('y'), 2);
});

test('while (true) is cut off by the loop budget, and the rest of the file still runs', () => {
  const { get, diagnostics } = run(`let n = 0; while (true) { n++; } const after = 42;`, {}, { ...DEFAULT_LIMITS, maxLoopIterations: 1000 });
  assert.equal(get('after'), 42);
  assert.equal(get('n'), 1000);
  assert.ok(diagnostics.some((d) => d.code === 'analysis-budget' && /loop did not finish within 1,000/.test(d.message)));
});

test('unbounded recursion is cut off by the call-depth budget', () => {
  const { get, diagnostics } = run(`function f(n) { return f(n + 1); } const r = f(0); const after = 1;`);
  assert.equal(get('after'), 1);
  assert.ok(diagnostics.some((d) => d.code === 'analysis-budget' && /nested deeper/.test(d.message)));
});

test('exponential work is cut off by the step budget', () => {
  const limits = { ...DEFAULT_LIMITS, maxSteps: 50_000 };
  const t0 = Date.now();
  const { get, diagnostics } = run(`function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } const r = fib(40); const after = 3;`, {}, limits);
  assert.equal(get('after'), 3);
  assert.ok(diagnostics.some((d) => d.code === 'analysis-budget' && /50,000 steps/.test(d.message)));
  assert.ok(Date.now() - t0 < 5000);
});

test('string helpers used to build layer names: fromCharCode, charCodeAt, padStart', () => {
  const { get } = run(`const block = String.fromCharCode('a'.charCodeAt(0) + 2); const name = 'res' + 4 + block + '_' + String(7).padStart(3, '0');`);
  assert.equal(get('block'), 'c');
  assert.equal(get('name'), 'res4c_007');
});
