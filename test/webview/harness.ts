/**
 * Opens the real panel bundle (dist/webview.js, .css, layout_worker.js) in headless Chromium the
 * way VS Code does: the HTML from webviewHtml() with its CSP, served from a fake resource origin
 * (Playwright routes, no sockets), a stub acquireVsCodeApi that records what the panel posts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { analyzeSource } from '../../server/src/engine';
import { diskHost } from '../../server/src/host/disk_host';
import { webviewHtml } from '../../webview/src/html';
import { CHROMIUM_ARGS, chromiumEnv, chromiumPath } from '../helpers/chromium';
import type { ModelMessage } from '../../protocol/panel';

export const DIST = resolve(__dirname, '../../dist');
export const ORIGIN = 'https://webview.convlens.test';
export const NONCE = 'dGVzdC1ub25jZS0xMjM0NQ==';

/**
 * Why the browser tests cannot run here, or undefined when they can. A missing browser is not a
 * reason to skip (the npm one is a dev dependency): launch() then fails and says why.
 */
export function skipReason(): string | undefined {
  for (const f of ['webview.js', 'webview.css', 'layout_worker.js', 'elk_worker.js']) if (!existsSync(resolve(DIST, f))) return `dist/${f} missing: run npm run build`;
  return undefined;
}

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], env: chromiumEnv() });
}

const cache = new Map<string, ModelMessage>();

/** The model message the extension would send for a fixture file (test/fixtures/models/NAME.ts). */
export function fixtureMessage(name: string): ModelMessage {
  let m = cache.get(name);
  if (!m) {
    const file = resolve(__dirname, '../fixtures/models', `${name}.ts`);
    const r = analyzeSource(readFileSync(file, 'utf8'), file, diskHost);
    m = { type: 'model', uri: `file://${file}`, version: 1, models: r.models.map(({ report, graph }) => ({ report, graph })), diagnostics: r.diagnostics };
    cache.set(name, m);
  }
  return structuredClone(m);
}

/** The stub of VS Code's webview API: records posts; plus the __name helper tsx-compiled callbacks use. */
export const STUB_VSCODE = `
  window.__name = (f) => f;
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
`;

export interface Panel {
  page: Page;
  /** Host -> panel message (anything: the panel must validate it). */
  send(msg: unknown): Promise<void>;
  /** Everything the panel posted to the host so far. */
  posted(): Promise<{ type: string; [k: string]: unknown }[]>;
  /** Console errors and CSP violations seen. */
  errors: string[];
  /** Resolves when the graph shows something drawn from a layout (not the waiting text). */
  drawn(): Promise<void>;
}

export async function openPanel(browser: Browser, size = { width: 1280, height: 860 }, colorScheme: 'light' | 'dark' = 'light'): Promise<Panel> {
  const context = await browser.newContext({ viewport: size, colorScheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  if (process.env.CONVLENS_DEBUG) {
    page.on('console', (m) => console.log(`[panel ${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => console.log(`[panel error] ${e.message}`));
    page.on('requestfailed', (r) => console.log(`[panel request failed] ${r.url()} ${r.failure()?.errorText}`));
  }
  const files: Record<string, [string, string]> = {
    '/index.html': [
      webviewHtml({ scriptUri: `${ORIGIN}/webview.js`, styleUri: `${ORIGIN}/webview.css`, workerUri: `${ORIGIN}/layout_worker.js`, elkWorkerUri: `${ORIGIN}/elk_worker.js`, trainingWorkerUri: `${ORIGIN}/training_worker.js`, cspSource: ORIGIN, nonce: NONCE }),
      'text/html',
    ],
    '/webview.js': [readFileSync(resolve(DIST, 'webview.js'), 'utf8'), 'text/javascript'],
    '/webview.css': [readFileSync(resolve(DIST, 'webview.css'), 'utf8'), 'text/css'],
    '/layout_worker.js': [readFileSync(resolve(DIST, 'layout_worker.js'), 'utf8'), 'text/javascript'],
    '/elk_worker.js': [readFileSync(resolve(DIST, 'elk_worker.js'), 'utf8'), 'text/javascript'],
  };
  const training = resolve(DIST, 'training_worker.js');
  if (existsSync(training)) files['/training_worker.js'] = [readFileSync(training, 'utf8'), 'text/javascript'];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const f = url.origin === ORIGIN ? files[url.pathname] : undefined;
    if (f) return route.fulfill({ status: 200, contentType: f[1], body: f[0] });
    return route.abort();
  });
  // A string, not a function: tsx adds __name() helpers to functions, which do not exist in the page.
  await page.addInitScript(STUB_VSCODE);
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return {
    page,
    errors,
    send: (msg) => page.evaluate((m) => window.postMessage(m, '*'), msg),
    posted: () => page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted),
    drawn: async () => {
      await page.waitForSelector('.cl-graph g.viewport', { timeout: 30_000 });
    },
  };
}

/** Waits until the panel has drawn a new layout after `action` (the svg element is replaced). */
export async function redraw(page: Page, action: () => Promise<unknown>): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __oldSvg: unknown }).__oldSvg = document.querySelector('.cl-graph')));
  await action();
  await page.waitForFunction(() => {
    const s = document.querySelector('.cl-graph');
    return s && s !== (window as unknown as { __oldSvg: unknown }).__oldSvg;
  }, undefined, { timeout: 30_000 });
}

export interface BoxInfo {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Graph-space boxes of every layer node and collapsed group (from their attributes: hidden bands count too). */
export function nodeBoxes(page: Page): Promise<BoxInfo[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.cl-graph .node, .cl-graph .group')].map((g) => {
      const body = g.querySelector(':scope > .body')!;
      const [x, y] = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute('transform')!)!.slice(1).map(Number);
      return { id: g.getAttribute('data-node-id') ?? g.getAttribute('data-group-id')!, x: x!, y: y!, w: Number(body.getAttribute('width')), h: Number(body.getAttribute('height')) };
    }),
  );
}

export function overlaps(boxes: BoxInfo[]): [string, string][] {
  const sorted = [...boxes].sort((a, b) => a.y - b.y);
  const out: [string, string][] = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length && sorted[j]!.y < a.y + a.h; j++) {
      const b = sorted[j]!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) out.push([a.id, b.id]);
    }
  }
  return out;
}

/** VS Code's theme variables as a webview receives them (Light Modern, Dark Modern, High Contrast). */
export const THEMES: Record<'light' | 'dark' | 'hc', { body: string; vars: Record<string, string> }> = {
  light: {
    body: 'vscode-light',
    vars: {
      'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', foreground: '#3b3b3b', descriptionForeground: '#6e6e6e', 'panel-border': '#e5e5e5', focusBorder: '#005fb8',
      'charts-blue': '#1a85ff', 'charts-green': '#388a34', 'charts-yellow': '#bf8803', 'charts-orange': '#d18616', 'charts-purple': '#652d90', 'charts-red': '#e51400', 'charts-foreground': '#616161',
      'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc', 'input-background': '#ffffff', 'input-border': '#cecece', 'errorForeground': '#a1260d',
    },
  },
  dark: {
    body: 'vscode-dark',
    vars: {
      'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', foreground: '#cccccc', descriptionForeground: '#9d9d9d', 'panel-border': '#2b2b2b', focusBorder: '#0078d4',
      'charts-blue': '#3794ff', 'charts-green': '#89d185', 'charts-yellow': '#cca700', 'charts-orange': '#d18616', 'charts-purple': '#b180d7', 'charts-red': '#f14c4c', 'charts-foreground': '#cccccc',
      'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c', 'input-background': '#313131', 'input-border': '#3c3c3c', 'errorForeground': '#f85149',
    },
  },
  hc: {
    body: 'vscode-high-contrast',
    vars: {
      'editor-background': '#000000', 'editor-foreground': '#ffffff', foreground: '#ffffff', descriptionForeground: '#ffffff', 'panel-border': '#6fc3df', focusBorder: '#f38518', contrastBorder: '#6fc3df',
      'charts-blue': '#3794ff', 'charts-green': '#89d185', 'charts-yellow': '#ffd700', 'charts-orange': '#d18616', 'charts-purple': '#b180d7', 'charts-red': '#f14c4c', 'charts-foreground': '#ffffff',
      'button-secondaryBackground': '#000000', 'button-secondaryForeground': '#ffffff', 'button-border': '#6fc3df', 'input-background': '#000000', 'input-border': '#6fc3df', 'errorForeground': '#f48771',
    },
  },
};

/** Applies a theme the way VS Code does: variables on <html>, a kind class on <body>. */
export async function applyTheme(page: Page, theme: keyof typeof THEMES): Promise<void> {
  await page.evaluate((t) => {
    for (const [k, v] of Object.entries(t.vars)) document.documentElement.style.setProperty(`--vscode-${k}`, v);
    document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
    document.body.classList.add(t.body);
  }, THEMES[theme]);
}
