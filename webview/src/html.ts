/**
 * The panel's HTML documents. Pure string building (no DOM, no Node), called by the extension host
 * (webviewHtml, with URIs from asWebviewUri) and by `convlens view` (standaloneHtml, everything
 * inlined). Both carry a strict Content-Security-Policy: scripts only with the per-load nonce, no
 * remote origins, no eval, workers only from blob: URLs the page made itself.
 */
import { gzipSync, strToU8 } from 'fflate';

export interface WebviewHtmlOptions {
  scriptUri: string;
  styleUri: string;
  /** dist/layout_worker.js; the panel fetches it and starts the worker from a blob: URL. */
  workerUri?: string;
  /** dist/training_worker.js, the check on the panel's GPU; fetched and started the same way. */
  trainingWorkerUri?: string;
  /** dist/elk_worker.js, the same way. */
  elkWorkerUri?: string;
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
}

export interface StandaloneHtmlOptions {
  /** dist/webview.js */
  script: string;
  /** dist/webview.css */
  style: string;
  /** dist/layout_worker.js */
  worker: string;
  /** dist/elk_worker.js */
  elkWorker: string;
  /** What the page shows: a `model` message (see protocol.ts). */
  data: unknown;
  title?: string;
  /** Fresh per page when omitted. */
  nonce?: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The policy shared by both pages; `source` is the webview's resource origin, if any. */
export function contentSecurityPolicy(nonce: string, source?: string): string {
  const src = source ? ` ${source}` : '';
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src${src} 'nonce-${nonce}'`,
    `img-src${src} blob:`,
    `font-src${src || " 'none'"}`,
    `connect-src${src || " 'none'"}`,
    'worker-src blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function webviewHtml(o: WebviewHtmlOptions): string {
  const worker =
    (o.workerUri ? ` data-worker="${escapeHtml(o.workerUri)}"` : '') +
    (o.elkWorkerUri ? ` data-elk-worker="${escapeHtml(o.elkWorkerUri)}"` : '') +
    (o.trainingWorkerUri ? ` data-training-worker="${escapeHtml(o.trainingWorkerUri)}"` : '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.nonce, o.cspSource))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" nonce="${escapeHtml(o.nonce)}" href="${escapeHtml(o.styleUri)}">
<title>ConvLens</title>
</head>
<body>
<div id="app"></div>
<script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"${worker}></script>
</body>
</html>
`;
}

/** JSON that is safe inside a <script> element: no `<` can close it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline script text cannot contain `</script`; `<\/` means the same inside JS strings and regexes. */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

export function standaloneHtml(o: StandaloneHtmlOptions): string {
  const nonce = o.nonce ?? randomNonce();
  const title = escapeHtml(o.title ?? 'ConvLens architecture');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ConvLens">
<title>${title}</title>
<style nonce="${nonce}">${o.style.replace(/<\/(style)/gi, '<\\/$1')}</style>
</head>
<body class="standalone">
<div id="app"></div>
${dataScripts(o.data)}
<script type="application/json" id="convlens-worker">${scriptJson(o.worker)}</script>
<script type="application/json" id="convlens-elk-worker">${scriptJson(o.elkWorker)}</script>
<script nonce="${nonce}">${inlineScript(o.script)}</script>
</body>
</html>
`;
}

/** Arrays longer than this go into scripts of their own, this many entries each (each part is gunzipped and parsed in one step between frames: smaller parts, shorter steps). */
export const DATA_PART_ITEMS = 500;

/**
 * The page's data as one JSON script, its long arrays (a 10,000-layer model's layers, nodes and
 * edges) cut out into parts the page reads one at a time, letting frames paint between them:
 * JSON.parse of a 10,000-layer model (10-14 MB) in one piece froze the page for 100-200 ms. The
 * parts are gzipped JSON in base64 (about 14x smaller): the browser's HTML parser took 150-300 ms
 * over 10-14 MB of script text before the page could run at all.
 */
function dataScripts(data: unknown): string {
  const parts: string[] = [];
  const cut = (value: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(value)) {
      if (value.length <= DATA_PART_ITEMS) return value.map((x, i) => cut(x, [...path, i]));
      for (let i = 0; i < value.length; i += DATA_PART_ITEMS)
        parts.push(`<script type="application/octet-stream" class="convlens-data-part" data-path="${escapeHtml(JSON.stringify(path))}">${gzipBase64(JSON.stringify(value.slice(i, i + DATA_PART_ITEMS)))}</script>`);
      return [];
    }
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, cut(x, [...path, k])]));
    return value;
  };
  const skeleton = cut(data, []);
  return [`<script type="application/json" id="convlens-data">${scriptJson(skeleton)}</script>`, ...parts].join('\n');
}

/** mtime 0: the same data makes the same page. */
function gzipBase64(text: string): string {
  const bytes = gzipSync(strToU8(text), { level: 6, mtime: 0 });
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function randomNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
