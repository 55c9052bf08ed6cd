/** How savings are worded in messages and code-action titles. */
import { human } from '../report/format';
import { type Saving, pct } from './context';

export function paramsText(s: Saving | undefined): string {
  if (!s || s.params === null) return 'changes params';
  if (s.params === 0) return 'same params';
  return `${s.params > 0 ? 'saves' : 'adds'} ${human(Math.abs(s.params))} params${pct(s.params, s.paramsBasis)}`;
}

export function macsText(s: Saving | undefined): string {
  if (!s || s.macs === null) return 'changes MACs';
  if (s.macs === 0) return 'same MACs';
  return `${s.macs > 0 ? 'saves' : 'adds'} ${human(Math.abs(s.macs))} MACs${pct(s.macs, s.macsBasis)}`;
}

/** "saves 1.2M params (−71%) and 3.1G MACs (−70%)" */
export function savingText(s: Saving | undefined): string {
  return `${paramsText(s)}, ${macsText(s)}`;
}
