/** The HTML documents and their Content-Security-Policy, as strings and as Chromium enforces them. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { contentSecurityPolicy, standaloneHtml, webviewHtml } from '../../webview/src/html';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DIST, NONCE, fixtureMessage, launch, openPanel, skipReason } from './harness';

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(m, 'a CSP meta tag');
  return m[1]!.replace(/&#39;/g, "'");
}

function assertStrict(csp: string, nonce: string): void {
  const d = new Map(csp.split(';').map((x) => x.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
  assert.deepEqual(d.get('default-src'), ["'none'"]);
  assert.deepEqual(d.get('script-src'), [`'nonce-${nonce}'`]);
  assert.ok(d.get('style-src')!.includes(`'nonce-${nonce}'`));
  assert.deepEqual(d.get('worker-src'), ['blob:']);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|wasm-unsafe-eval|\*|https?:\/\/(?!webview\.convlens\.test)/);
}

describe('HTML and CSP', () => {
  test('webviewHtml: strict CSP with the nonce and the webview source only', () => {
    const html = webviewHtml({ scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/x/dist/webview.js', styleUri: 'https://file+.vscode-resource.vscode-cdn.net/x/dist/webview.css', workerUri: 'https://file+.vscode-resource.vscode-cdn.net/x/dist/layout_worker.js', elkWorkerUri: 'https://file+.vscode-resource.vscode-cdn.net/x/dist/elk_worker.js', cspSource: 'https://*.vscode-cdn.net', nonce: 'abc123' });
    const csp = cspOf(html);
    assert.equal(csp, contentSecurityPolicy('abc123', 'https://*.vscode-cdn.net'));
    assert.match(csp, /^default-src 'none'; script-src 'nonce-abc123'; style-src https:\/\/\*\.vscode-cdn\.net 'nonce-abc123'/);
    assert.doesNotMatch(csp, /unsafe/);
    assert.match(html, /<script nonce="abc123" src="https:\/\/file\+\.vscode-resource[^"]+webview\.js" data-worker="[^"]+layout_worker\.js" data-elk-worker="[^"]+elk_worker\.js"><\/script>/);
    // Every <script> carries the nonce; nothing inline.
    for (const s of html.match(/<script[^>]*>/g)!) assert.match(s, /nonce="abc123"/);
  });

  test('standaloneHtml: everything inline, no source at all, data cannot break out of its script', () => {
    const evil = { type: 'model', note: '</script><script>alert(1)</script><!--' };
    const html = standaloneHtml({ script: 'var s = "</script>";', style: 'body{}', worker: 'self.x = "</script>"', elkWorker: 'self.y = "</script>"', data: evil, nonce: 'n0nce' });
    const csp = cspOf(html);
    assertStrict(csp, 'n0nce');
    assert.doesNotMatch(csp, /https?:|file:/);
    assert.equal((html.match(/<\/script>/g) ?? []).length, 4, 'only the four script elements close');
    assert.match(html, /var s = "<\\\/script>";/);
    const json = /<script type="application\/json" id="convlens-data">([^<]*)<\/script>/.exec(html)![1]!;
    assert.deepEqual(JSON.parse(json), evil);
    // A fresh nonce per page when none is given.
    assert.notEqual(cspOf(standaloneHtml({ script: '', style: '', worker: '', elkWorker: '', data: {} })), cspOf(standaloneHtml({ script: '', style: '', worker: '', elkWorker: '', data: {} })));
  });
});

test('the bundles never evaluate strings (no eval, no Function constructor): CSP needs no unsafe-eval', { skip: skipReason() }, () => {
  // training_worker.js carries tfjs with its webgl and webgpu backends: they compile shaders, not JS.
  for (const f of ['webview.js', 'layout_worker.js', 'elk_worker.js', 'training_worker.js']) {
    const code = readFileSync(resolve(DIST, f), 'utf8');
    assert.doesNotMatch(code, /\beval\s*\(|\bFunction\s*\(|setTimeout\s*\(\s*['"`]/, f);
  }
});

describe('CSP in Chromium', { skip: skipReason() }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('the panel runs under its CSP: the graph draws (worker from a blob) with no violation; an unsigned script is refused', async () => {
    const p = await openPanel(browser);
    await p.send(fixtureMessage('googlenet'));
    await p.drawn();
    const csp = await p.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assertStrict(csp!, NONCE);
    // An inline script without the nonce does not run.
    await p.page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s);
    });
    assert.equal(await p.page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false), false);
    const errors = p.errors.filter((e) => !/Executing inline script violates/.test(e));
    assert.deepEqual(errors, []);
    await p.page.context().close();
  });
});
