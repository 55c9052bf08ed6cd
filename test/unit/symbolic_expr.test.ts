/**
 * The symbolic-size algebra (engine/symbolic/expr.ts): every simplification (like terms combined,
 * integer parts taken out of ⌊⌋ and ⌈⌉, constants folded) keeps the value, checked against direct
 * integer arithmetic on seeded random polynomials and random integer values of their symbols.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, constant, divide, divideAtom, evaluate, mul, num, type Poly, scale, sub, sym, text } from '../../server/src/engine/symbolic/expr';
import { evaluate as evaluateText } from '../realworld/harness/expr';
import { mulberry32 } from '../helpers/prng';

const NAMES = ['h', 'w', 'c'];

test('floor/ceil division, products and sums keep their value (500 seeded random cases)', () => {
  const random = mulberry32(11);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  for (let k = 0; k < 500; k++) {
    // A random expression and the same computed directly, as a function of the symbols' values.
    let p: Poly = num(int(-9, 9));
    const p0 = constant(p)!;
    let f: (v: Record<string, number>) => number = () => p0;
    for (let step = 0; step < 4; step++) {
      const s = NAMES[int(0, 2)]!;
      const c = int(-7, 7);
      const d = int(1, 5);
      const g = f;
      switch (int(0, 3)) {
        case 0: p = add(p, mul(num(c), sym(s))); f = (v) => g(v) + c * v[s]!; break;
        case 1: p = mul(p, add(sym(s), num(c))); f = (v) => g(v) * (v[s]! + c); break;
        case 2: p = divide(p, d, 'floor'); f = (v) => Math.floor(g(v) / d); break;
        default: p = sub(divide(p, d, 'ceil'), num(c)); f = (v) => Math.ceil(g(v) / d) - c; break;
      }
    }
    for (let t = 0; t < 3; t++) {
      const v = { h: int(-20, 60), w: int(-20, 60), c: int(0, 9) };
      const want = f(v) + 0; // -0 from Math.ceil is 0
      assert.equal(evaluate(p, v)! + 0, want, `${text(p)} at ${JSON.stringify(v)}`);
      assert.equal(evaluateText(text(p), (n) => v[n as keyof typeof v]) + 0, want, `the text ${text(p)} reads back`);
    }
  }
});

test('readable forms: integer parts leave the brackets, constants fold, like terms combine', () => {
  const h = sym('h');
  assert.equal(text(add(divide(sub(h, num(3)), 2, 'floor'), num(1))), '⌊(h + 1)/2⌋ − 1');
  assert.equal(text(divide(mul(num(4), h), 2, 'floor')), '2·h');
  assert.equal(text(divide(num(7), 2, 'ceil')), '4');
  assert.equal(text(add(mul(num(64), sym('numFeatures')), add(num(64), num(65)))), '64·numFeatures + 129');
  assert.equal(text(sub(mul(h, h), mul(h, h))), '0');
});

test('without knowing a symbol is an integer, brackets keep their whole expression (⌊64·scale⌋ is not 64·scale)', () => {
  const s = sym('scale');
  const f = divideAtom(mul(num(64), s), 'floor')!;
  assert.equal(text(f), '⌊64·scale⌋');
  assert.equal(evaluate(f, { scale: 0.3 }), 19);
  // ⌊lookBack/6⌋ from lookBack / 6, and a valid conv over it with lookBack not known to be an integer.
  const steps = divideAtom(scale(sym('lookBack'), 1 / 6), 'floor')!;
  assert.equal(text(steps), '⌊lookBack/6⌋');
  const notInt = () => false;
  const s2 = divide(sub(mul(num(3), s), num(1)), 2, 'floor', notInt);
  assert.equal(text(s2), '⌊(3·scale − 1)/2⌋', 'the integer part stays inside');
  assert.equal(evaluate(s2, { scale: 1 / 3 }), Math.floor((3 * (1 / 3) - 1) / 2));
});
