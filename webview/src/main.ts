/** Entry point of the panel bundle (dist/webview.js), in VS Code and in `convlens view` pages. */
import './styles.css';
import { App } from './app';
import { connectHost } from './host';
import { installGraphStyles } from './theme';

// Only readable while this script first runs: it carries the worker's URL in VS Code.
const script = document.currentScript as HTMLScriptElement | null;

function start(): void {
  installGraphStyles();
  new App(document.getElementById('app') ?? document.body, connectHost(script));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
