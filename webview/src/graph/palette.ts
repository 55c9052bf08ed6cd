/**
 * Colours. Every colour the graph uses derives from a few base colours that come from VS Code's
 * theme variables (with light and dark fallbacks for the standalone page). The same rules serve the
 * live panel (CSS variables + color-mix, so theme changes apply at once) and exported SVGs
 * (concrete hex values, so the file renders the same in any SVG viewer).
 */
import type { Family } from '../../../server/src/engine/report/types';

export type BaseKey =
  | 'bg'
  | 'fg'
  | 'muted'
  | 'border'
  | 'accent'
  | 'error'
  | 'warn'
  | 'blue'
  | 'green'
  | 'yellow'
  | 'orange'
  | 'purple'
  | 'red'
  | 'gray';

/** [VS Code variable, light fallback, dark fallback] */
export const BASE_VARS: Record<BaseKey, [string, string, string]> = {
  bg: ['--vscode-editor-background', '#ffffff', '#1e1e1e'],
  fg: ['--vscode-editor-foreground', '#1f2328', '#d4d4d4'],
  muted: ['--vscode-descriptionForeground', '#59636e', '#a0a0a0'],
  border: ['--vscode-panel-border', '#d0d7de', '#3c3c3c'],
  accent: ['--vscode-focusBorder', '#0969da', '#3794ff'],
  error: ['--vscode-errorForeground', '#cf222e', '#f48771'],
  warn: ['--vscode-editorWarning-foreground', '#bf8803', '#cca700'],
  blue: ['--vscode-charts-blue', '#1a85ff', '#3794ff'],
  green: ['--vscode-charts-green', '#388a34', '#89d185'],
  yellow: ['--vscode-charts-yellow', '#bf8803', '#cca700'],
  orange: ['--vscode-charts-orange', '#d18616', '#d18616'],
  purple: ['--vscode-charts-purple', '#8250df', '#b180d7'],
  red: ['--vscode-charts-red', '#e51400', '#f14c4c'],
  gray: ['--vscode-charts-foreground', '#6e7781', '#9d9d9d'],
};

export const BASE_KEYS = Object.keys(BASE_VARS) as BaseKey[];

export type FamilyKey = Family | 'other';
export const FAMILY_COLOR: Record<FamilyKey, BaseKey> = {
  input: 'gray',
  conv: 'blue',
  pooling: 'green',
  normalization: 'yellow',
  activation: 'orange',
  merge: 'purple',
  dense: 'red',
  reshaping: 'gray',
  regularization: 'gray',
  embedding: 'purple',
  recurrent: 'red',
  other: 'gray',
};

/** The families shown in the legend, in reading order. */
export const LEGEND: FamilyKey[] = ['conv', 'pooling', 'normalization', 'activation', 'merge', 'dense', 'reshaping'];

export type BasePalette = Record<BaseKey, string>;

export function fallbackPalette(dark = false): BasePalette {
  const p = {} as BasePalette;
  for (const k of BASE_KEYS) p[k] = BASE_VARS[k][dark ? 2 : 1];
  return p;
}

/** `:root` variables --cl-<key>: the theme's colour when VS Code provides it, else a fallback. */
export function rootVarsCss(): string {
  const decl = (i: 1 | 2) => BASE_KEYS.map((k) => `--cl-${k}:var(${BASE_VARS[k][0]},${BASE_VARS[k][i]});`).join('');
  return `:root{${decl(1)}}\n@media (prefers-color-scheme: dark){:root{${decl(2)}}}\n`;
}

/** How derived colours are written: CSS color-mix over variables (live) or hex (export). */
export interface ColorWriter {
  base(k: BaseKey): string;
  /** `pct` % of a over b. */
  mix(a: BaseKey, b: BaseKey, pct: number): string;
  font: string;
}

const FONT_STACK = "system-ui,-apple-system,'Segoe UI',Ubuntu,'Helvetica Neue',Helvetica,Arial,sans-serif";

export const cssVarWriter: ColorWriter = {
  base: (k) => `var(--cl-${k})`,
  mix: (a, b, pct) => `color-mix(in srgb, var(--cl-${a}) ${pct}%, var(--cl-${b}))`,
  font: `var(--vscode-font-family,${FONT_STACK})`,
};

export function hexWriter(p: BasePalette): ColorWriter {
  return {
    font: FONT_STACK,
    base: (k) => toHex(parseColor(p[k])),
    mix: (a, b, pct) => {
      const x = parseColor(p[a]);
      const y = parseColor(p[b]);
      const t = pct / 100;
      return toHex([x[0] * t + y[0] * (1 - t), x[1] * t + y[1] * (1 - t), x[2] * t + y[2] * (1 - t)]);
    },
  };
}

/** #rgb, #rrggbb, #rrggbbaa, rgb(), rgba() -> [r, g, b] (alpha dropped: our colours sit on bg). */
export function parseColor(c: string): [number, number, number] {
  const s = c.trim();
  let m = /^#([0-9a-f]{3,8})$/i.exec(s);
  if (m) {
    let h = m[1]!;
    if (h.length === 3 || h.length === 4) h = [...h.slice(0, 3)].map((d) => d + d).join('');
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return [128, 128, 128];
}

function toHex(rgb: number[]): string {
  return '#' + rgb.map((v) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0')).join('');
}

/** The graph's colour rules, shared by the live panel and exported SVGs. Scoped under `.cl-graph`. */
export function graphCss(w: ColorWriter): string {
  const rules: string[] = [];
  const r = (sel: string, body: string) => rules.push(`${sel.split(',').map((x) => `.cl-graph ${x}`).join(',')}{${body}}`);
  r('text', `font-family:${w.font};fill:${w.base('fg')}`);
  r('.t', 'font-size:12px;font-weight:600');
  r('.s,.p,.c', `font-size:11px;fill:${w.base('muted')}`);
  r('.p', 'font-variant-numeric:tabular-nums');
  for (const [fam, key] of Object.entries(FAMILY_COLOR) as [FamilyKey, BaseKey][]) {
    r(`.node.f-${fam}>.body`, `fill:${w.mix(key, 'bg', 15)};stroke:${w.mix(key, 'bg', 80)}`);
  }
  r('.node>.body', 'stroke-width:1.2px');
  r('.node.f-input>.body', 'stroke-dasharray:4 3');
  r('.node.err>.body', `stroke:${w.base('error')};stroke-width:2.5px`);
  r('.group>.body', `fill:${w.mix('fg', 'bg', 6)};stroke:${w.mix('fg', 'bg', 55)};stroke-width:1.2px`);
  r('.group>.stack', `fill:${w.mix('fg', 'bg', 10)};stroke:${w.mix('fg', 'bg', 35)};stroke-width:1px`);
  r('.group .t', `fill:${w.base('fg')}`);
  r('.frame>.box', `fill:${w.mix('fg', 'bg', 3)};stroke:${w.mix('fg', 'bg', 28)};stroke-width:1px;stroke-dasharray:5 3`);
  r('.frame.d1>.box,.frame.d3>.box', `fill:${w.mix('fg', 'bg', 5)}`);
  r('.frame .head', `font-size:11px;font-weight:600;fill:${w.base('muted')}`);
  r('.frame .head-info', `font-size:11px;fill:${w.base('muted')}`);
  r('.edge', `fill:none;stroke:${w.mix('fg', 'bg', 42)};stroke-width:1.3px`);
  r('.edge.merge', `stroke:${w.mix('purple', 'bg', 75)}`);
  r('.arrow', `fill:${w.mix('fg', 'bg', 42)}`);
  r('.arrow-merge', `fill:${w.mix('purple', 'bg', 75)}`);
  r('.el', `font-size:10px;fill:${w.base('muted')};stroke:${w.base('bg')};stroke-width:3px;paint-order:stroke;stroke-linejoin:round`);
  r('.bg', `fill:${w.base('bg')}`);
  return rules.join('\n') + '\n';
}

/** Family swatches for the legend and the profile table (HTML, live panel only). */
export function swatchCss(): string {
  const rules = (Object.entries(FAMILY_COLOR) as [FamilyKey, BaseKey][]).map(([f, k]) => `.fam-dot.f-${f}{background:var(--cl-${k})}`);
  rules.push(`.fam-dot.group{background:${cssVarWriter.mix('fg', 'bg', 12)};border:1px solid ${cssVarWriter.mix('fg', 'bg', 55)}}`);
  rules.push(`.profile .share-bar rect{fill:${cssVarWriter.mix('blue', 'bg', 70)}}`);
  return rules.join('\n') + '\n';
}
