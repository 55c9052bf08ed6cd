/**
 * The panel's link to whoever shows it: VS Code (acquireVsCodeApi) or the standalone page written
 * by `convlens view`, where there is no host and the page serves itself (its data is inlined,
 * exports download, copies go to the clipboard, reveal shows where the layer is).
 */
import { checkToWebview, type FromWebview, type ModelMessage, type ToWebview } from '../../protocol/panel';
import { gunzipSync, strFromU8 } from 'fflate';
import { Slicer, drive, nextFrame } from './slices';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare global {
  interface Window {
    acquireVsCodeApi?: () => VsCodeApi;
  }
}

export interface Host {
  readonly standalone: boolean;
  post(msg: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
  /** Source text of the layout coordinator or of an ELK worker, or null when it cannot be had. */
  workerSource(kind: 'layout' | 'elk'): Promise<string | null>;
  /** Source text of the training worker (the check on the panel's GPU); null on the standalone page. */
  trainingWorkerSource(): Promise<string | null>;
  /** Messages for the panel, already validated. */
  listen(onMessage: (m: ToWebview) => void): void;
  /** A short notice in the panel (standalone page: what the host would have done). */
  notify?: (text: string) => void;
}

export function connectHost(script: HTMLScriptElement | null): Host {
  const api = typeof window.acquireVsCodeApi === 'function' ? window.acquireVsCodeApi() : undefined;
  return api ? vscodeHost(api, script) : standaloneHost();
}

/**
 * Messages are validated in steps (a 10,000-layer model in slices that let frames paint) and
 * handed on in the order they came: each waits for the one before it.
 */
function listenWindow(onMessage: (m: ToWebview) => void): void {
  let queue = Promise.resolve();
  window.addEventListener('message', (ev: MessageEvent) => {
    const data: unknown = ev.data;
    queue = queue
      .then(async () => {
        if (await drive(checkToWebview(data))) onMessage(data as ToWebview);
        else console.warn('ConvLens: ignored a malformed message', data);
      })
      // A handler's error is reported as an event listener's would be, and the next message still runs.
      .catch((e: unknown) => reportError(e));
  });
}

/** A worker cannot start from a vscode-resource URL: fetch its text, start it from a blob. */
async function fetchText(uri: string | undefined): Promise<string | null> {
  if (!uri) return null;
  try {
    const r = await fetch(uri);
    return r.ok ? await r.text() : null;
  } catch {
    return null;
  }
}

function vscodeHost(api: VsCodeApi, script: HTMLScriptElement | null): Host {
  const uris = { layout: script?.dataset.worker, elk: script?.dataset.elkWorker };
  const trainingUri = script?.dataset.trainingWorker;
  let training: Promise<string | null> | undefined;
  return {
    standalone: false,
    post: (m) => api.postMessage(m),
    getState: () => api.getState(),
    setState: (s) => api.setState(s),
    // A worker cannot start from a vscode-resource URL: fetch its text, start it from a blob.
    workerSource: (kind) => fetchText(uris[kind]),
    trainingWorkerSource: () => (training ??= fetchText(trainingUri).then((t) => (t === null ? ((training = undefined), null) : t))),
    listen: listenWindow,
  };
}

function readJson(id: string): unknown {
  const el = document.getElementById(id);
  if (!el?.textContent) return undefined;
  try {
    return JSON.parse(el.textContent);
  } catch {
    return undefined;
  }
}

/**
 * The standalone page's data (html.ts): the main script, then its long arrays' parts (gzipped
 * JSON) appended in order, read in slices after the page's first frame.
 */
async function readData(): Promise<unknown> {
  await nextFrame();
  const slicer = new Slicer();
  const data = readJson('convlens-data');
  for (const el of document.querySelectorAll<HTMLScriptElement>('script.convlens-data-part')) {
    await slicer.pause();
    let target: unknown = data;
    try {
      for (const k of JSON.parse(el.dataset.path ?? '[]') as (string | number)[]) target = (target as Record<string | number, unknown> | undefined)?.[k];
      const items = JSON.parse(await gunzipBase64(el.textContent ?? '')) as unknown;
      if (!Array.isArray(target) || !Array.isArray(items)) return undefined;
      for (const x of items) target.push(x);
    } catch {
      return undefined;
    }
  }
  // Reading the model (validating it, indexing it) starts a slice of its own.
  if (document.querySelector('script.convlens-data-part')) await nextFrame();
  return data;
}

/** A data part's text (html.ts): the browser's own gunzip where it has one (native, fast from the first part on). */
async function gunzipBase64(b64: string): Promise<string> {
  const bin = atob(b64.trim());
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  if (typeof DecompressionStream === 'function') return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
  return strFromU8(gunzipSync(bytes));
}

function standaloneHost(): Host {
  let state: unknown;
  const host: Host = {
    standalone: true,
    post: (m) => {
      switch (m.type) {
        case 'export':
          download(m.data, m.name ?? `model.${m.format}`, m.format);
          break;
        case 'copy':
          void navigator.clipboard?.writeText(m.text).then(
            () => host.notify?.(`Copied ${m.what ?? 'text'} to the clipboard.`),
            () => host.notify?.('The browser refused clipboard access.'),
          );
          break;
        case 'reveal':
          host.notify?.(`${m.file.split(/[\\/]/).pop()}:${m.range.start.line + 1}:${m.range.start.character + 1}`);
          break;
        default:
          break;
      }
    },
    getState: () => state,
    setState: (s) => {
      state = s;
    },
    workerSource: async (kind) => {
      const code = readJson(kind === 'elk' ? 'convlens-elk-worker' : 'convlens-worker');
      return typeof code === 'string' ? code : null;
    },
    // `convlens view` pages only draw: nothing runs the user's model there.
    trainingWorkerSource: async () => null,
    listen: (onMessage) => {
      listenWindow(onMessage);
      void readData().then(async (data) => {
        if (await drive(checkToWebview(data))) onMessage(data as ModelMessage);
      });
    },
  };
  return host;
}

function download(data: string, name: string, format: 'svg' | 'png'): void {
  const blob = format === 'svg' ? new Blob([data], { type: 'image/svg+xml' }) : dataUrlBlob(data);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function dataUrlBlob(dataUrl: string): Blob {
  const b64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: 'image/png' });
}
