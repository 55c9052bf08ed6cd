/**
 * Theme plumbing in the browser: the generated colour rules go in as a constructed stylesheet
 * (CSSOM, so no inline <style> needs the CSP nonce), and the resolved colours can be read back for
 * what cannot use CSS variables: the minimap canvas and exported files.
 */
import { BASE_KEYS, cssVarWriter, graphCss, rootVarsCss, swatchCss, type BasePalette } from './graph/palette';

export function installGraphStyles(): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(rootVarsCss() + graphCss(cssVarWriter) + swatchCss());
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/** The current theme's base colours as rgb() strings. */
export function readPalette(): BasePalette {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.append(probe);
  const p = {} as BasePalette;
  for (const k of BASE_KEYS) {
    probe.style.color = `var(--cl-${k})`;
    p[k] = getComputedStyle(probe).color;
  }
  probe.remove();
  return p;
}
