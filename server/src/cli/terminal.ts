/**
 * Everything the CLI prints goes through here: text from the analysed code (layer names, strings in
 * messages, the model's own prints) may hold terminal control sequences (`\x1b]0;PWNED\x07` retitles
 * the window, others move the cursor or hide lines), or bidirectional overrides that make a line read
 * differently than it is. They are shown escaped, never sent raw.
 */

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embedding/override/isolate marks.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// JSON.stringify escapes C0 controls itself; the rest are legal in JSON strings but not on a terminal.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');

/** Control characters as visible escapes: ESC becomes `\x1b`, U+202E becomes `\u202e`. */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, (c) => (c.charCodeAt(0) <= 0xff ? `\\x${hex(c)}` : `\\u${hex(c).padStart(4, '0')}`));
}

/** JSON text with the characters a terminal would act on written as \u escapes (still the same JSON value). */
export function jsonSafe(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c).padStart(4, '0')}`);
}

/** A line on stdout. */
export function say(...parts: unknown[]): void {
  console.log(terminalSafe(parts.map(String).join(' ')));
}

/** A line on stderr. */
export function warn(...parts: unknown[]): void {
  console.error(terminalSafe(parts.map(String).join(' ')));
}
