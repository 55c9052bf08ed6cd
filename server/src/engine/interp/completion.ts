/** How statements end: break / continue / return travelling up, and user-level `throw`. */
import type { Value } from './values';

export class Signal {
  constructor(
    readonly kind: 'break' | 'continue' | 'return',
    readonly label: string | undefined,
    readonly value: Value,
  ) {}
}
export const BREAK = new Signal('break', undefined, undefined);
export const CONTINUE = new Signal('continue', undefined, undefined);
export type Completion = Signal | undefined;

/** A user-level `throw`, carried through JS exceptions so try/catch in user code can catch it. */
export class UserThrow extends Error {
  constructor(readonly value: Value) {
    super('user throw');
  }
}
