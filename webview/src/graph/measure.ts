/**
 * Text widths without a DOM, so the browser, the layout worker and the CLI (Node) size nodes the
 * same way and produce the same layout. Advances (in em) are DejaVu Sans's, the widest of the
 * usual UI fonts (Segoe UI, SF, Ubuntu, Helvetica and Arial are narrower), so text always fits.
 */

const ADVANCE: Record<string, number> = {};
const set = (chars: string, em: number) => {
  for (const c of chars) ADVANCE[c] = em;
};
set('0123456789', 0.64);
set('il', 0.28);
set("j.,:;'!|", 0.34);
set('()[]{}', 0.4);
set(' fr/-"', 0.41);
set('t', 0.4);
set('sz', 0.53);
set('cvxyk', 0.6);
set('w', 0.82);
set('m', 0.98);
set('I', 0.3);
set('MW', 0.99);
set('×→', 0.84);
set('·', 0.32);
set('▾▸', 0.78);
set('?%', 0.95);

function advance(ch: string): number {
  const a = ADVANCE[ch];
  if (a !== undefined) return a;
  if (ch >= 'A' && ch <= 'Z') return 0.77;
  return 0.64;
}

/** Estimated width in px of `text` at `size` px; bold (600) runs about 10 % wider. */
export function textWidth(text: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += advance(ch);
  return Math.ceil(em * size * (bold ? 1.1 : 1));
}

/** Shortens `text` with an ellipsis so it fits `max` px. */
export function fitText(text: string, size: number, max: number, bold = false): string {
  if (textWidth(text, size, bold) <= max) return text;
  let out = text;
  while (out.length > 1 && textWidth(out + '…', size, bold) > max) out = out.slice(0, -1);
  return out + '…';
}
