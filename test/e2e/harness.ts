/**
 * The end-to-end harness: a throwaway sandbox (user data, extensions, XDG dirs, a workspace of
 * fixtures), code-server with the packaged .vsix installed, and headless Debian Chromium driven by
 * playwright-core. Everything lives under one temp dir and every process it starts is killed at the
 * end (and on exit, should the test runner die first).
 *
 * Environment (set by scripts/e2e/run.mjs):
 *   CONVLENS_CODE_SERVER  code-server binary
 *   CONVLENS_NODE24_BIN   Node 24's bin dir (code-server 4.139 needs Node 24; put first in PATH)
 *   CONVLENS_VSIX         the packaged extension
 *   CONVLENS_E2E_ARTIFACTS  where screenshots and logs go (default artifacts/e2e)
 *   CONVLENS_CHROMIUM     browser binary (default: test/helpers/chromium.ts's choice)
 *   CONVLENS_E2E_TMP      parent of the sandbox dir (default: the OS temp dir)
 *   CONVLENS_E2E_KEEP=1   keep the sandbox dir for debugging
 *   CONVLENS_E2E_TS=1     full TypeScript language features (default: tsserver in syntax-only mode)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumEnv, chromiumMissing, chromiumPath } from '../helpers/chromium';

export const ROOT = resolve(__dirname, '../..');
export const ARTIFACTS = resolve(process.env.CONVLENS_E2E_ARTIFACTS ?? join(ROOT, 'artifacts/e2e'));


/** User settings that make the workbench quiet and deterministic. */
export const USER_SETTINGS: Record<string, unknown> = {
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.editor.enablePreview': false,
  'workbench.layoutControl.enabled': false,
  'editor.inlayHints.enabled': 'on',
  'editor.minimap.enabled': false,
  'editor.wordWrap': 'off',
  'editor.fontSize': 13,
  'editor.hover.delay': 300,
  'editor.hover.sticky': true,
  'editor.lightbulb.enabled': 'on',
  'editor.codeActionWidget.includeNearbyQuickFixes': true,
  'editor.accessibilitySupport': 'off',
  'editor.experimental.asyncTokenization': false,
  'files.autoSave': 'off',
  'files.trimTrailingWhitespace': false,
  'files.insertFinalNewline': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.autoDetect': 'off',
  'typescript.validate.enable': false,
  'javascript.validate.enable': false,
  'typescript.tsserver.experimental.enableProjectDiagnostics': false,
  'typescript.surveys.enabled': false,
  // The built-in TypeScript features are not ConvLens's to test: without node_modules their hovers
  // stay "(loading...)" and a full tsserver competes for the 2 CPUs. Syntax-only mode keeps
  // the extension on (coexistence is part of the test) but light. CONVLENS_E2E_TS=1: full mode.
  ...(process.env.CONVLENS_E2E_TS === '1' ? {} : { 'typescript.tsserver.useSyntaxServer': 'always' }),
  'problems.defaultViewMode': 'list',
  'problems.sortOrder': 'position',
  'security.workspace.trust.enabled': false,
  'window.commandCenter': false,
  'workbench.editor.untitled.hint': 'hidden',
  'accessibility.signals.sounds.volume': 0,
};

export interface Sandbox {
  dir: string;
  userData: string;
  extensions: string;
  workspace: string;
  browserProfile: string;
  env: NodeJS.ProcessEnv;
}

export interface Tools {
  codeServer: string;
  node24Bin: string;
  vsix: string;
}

export function tools(): Tools {
  const need = (k: string) => {
    const v = process.env[k];
    if (!v) throw new Error(`e2e: ${k} is not set: run the end-to-end tests with \`npm run test:e2e\` (scripts/e2e/run.mjs sets it)`);
    if (!existsSync(v)) throw new Error(`e2e: ${k}=${v} does not exist`);
    return v;
  };
  const missing = chromiumMissing();
  if (missing) throw new Error(`e2e: ${missing}`);
  return { codeServer: need('CONVLENS_CODE_SERVER'), node24Bin: need('CONVLENS_NODE24_BIN'), vsix: need('CONVLENS_VSIX') };
}

/** A fresh temp dir with user data, extensions, XDG dirs and a workspace of the given files. */
export function makeSandbox(t: Tools, files: Record<string, string>): Sandbox {
  const parent = process.env.CONVLENS_E2E_TMP ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'convlens-e2e-'));
  const sub = (p: string) => {
    const d = join(dir, p);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const userData = sub('ud');
  const extensions = sub('ext');
  const workspace = sub('ws');
  const browserProfile = sub('browser');
  const xdg = { XDG_CONFIG_HOME: sub('xdg/config'), XDG_DATA_HOME: sub('xdg/data'), XDG_CACHE_HOME: sub('xdg/cache'), XDG_STATE_HOME: sub('xdg/state') };
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  for (const [to, from] of Object.entries(files)) {
    mkdirSync(join(workspace, to, '..'), { recursive: true });
    cpSync(resolve(ROOT, from), join(workspace, to));
  }
  // The workspace has no node_modules: keep the built-in TS checks quiet here too.
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify({ 'typescript.validate.enable': false, 'javascript.validate.enable': false }, null, 2));
  const env: NodeJS.ProcessEnv = { ...process.env, ...xdg, PATH: `${t.node24Bin}:${process.env.PATH ?? ''}`, CS_DISABLE_GETTING_STARTED_OVERRIDE: '1' };
  // code-server must not inherit Node flags, npm's nodedir (Node 20 headers), a password or the
  // IPC hook of a VS Code this may run inside.
  for (const k of ['NODE_OPTIONS', 'npm_config_nodedir', 'PASSWORD', 'HASHED_PASSWORD', 'VSCODE_PROXY_URI', 'VSCODE_IPC_HOOK_CLI']) delete env[k];
  return { dir, userData, extensions, workspace, browserProfile, env };
}

/** `code-server --install-extension`, retried once (the first run of a fresh dir can be slow). */
export function installExtension(t: Tools, sb: Sandbox): string {
  let last = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const r = spawnSync(t.codeServer, ['--user-data-dir', sb.userData, '--extensions-dir', sb.extensions, '--install-extension', t.vsix, '--force'], {
      env: sb.env,
      encoding: 'utf8',
      timeout: 180_000,
    });
    last = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
    if (r.status === 0 && /successfully installed/i.test(last)) return last;
  }
  throw new Error(`e2e: installing ${t.vsix} into code-server failed:\n${last}`);
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => (port ? ok(port) : fail(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `fn` until it returns a truthy value (or throw `what` with the last error after `ms`). */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

export async function until<T>(what: string, fn: () => Promise<T> | T, ms = 30_000, every = 250): Promise<Truthy<T>> {
  const end = Date.now() + ms;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as Truthy<T>;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > end) throw new Error(`e2e: timed out after ${ms / 1000}s waiting for ${what}${lastErr ? ` (last error: ${(lastErr as Error).message})` : ''}`);
    await sleep(every);
  }
}

export class CodeServer {
  private proc: ChildProcess | undefined;
  private exitHook = () => this.killNow();
  readonly logFile: string;

  constructor(
    readonly t: Tools,
    readonly sb: Sandbox,
    readonly port: number,
  ) {
    this.logFile = join(sb.dir, 'code-server.log');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.sb.workspace)}`;
  }

  async start(): Promise<void> {
    const fd = openSync(this.logFile, 'a');
    const args = [
      '--bind-addr', `127.0.0.1:${this.port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--disable-file-downloads',
      '--user-data-dir', this.sb.userData,
      '--extensions-dir', this.sb.extensions,
      this.sb.workspace,
    ];
    // Its own process group, so the extension host and language server go down with it.
    this.proc = spawn(this.t.codeServer, args, { env: this.sb.env, stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    // For scripts/e2e/run.mjs's backstop, should this process be killed before it cleans up.
    writeFileSync(join(this.sb.dir, 'code-server.pid'), String(this.proc.pid));
    process.on('exit', this.exitHook);
    const exited = new Promise<never>((_, fail) =>
      this.proc!.once('exit', (code, sig) => fail(new Error(`e2e: code-server exited early (${code ?? sig}); log:\n${this.log().slice(-3000)}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([
      exited,
      until(
        `code-server on port ${this.port} (log: ${this.logFile})`,
        async () => {
          if (this.proc!.exitCode !== null || this.proc!.signalCode !== null) return 'exited';
          const r = await fetch(`http://127.0.0.1:${this.port}/healthz`, { signal: AbortSignal.timeout(2000) });
          return r.ok;
        },
        90_000,
        500,
      ),
    ]);
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  private killNow(): void {
    const p = this.proc;
    if (!p?.pid || p.exitCode !== null || p.signalCode !== null) return;
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }

  async stop(): Promise<void> {
    const p = this.proc;
    process.off('exit', this.exitHook);
    if (!p?.pid) return;
    if (p.exitCode === null && p.signalCode === null) {
      const gone = new Promise((r) => p.once('exit', r));
      try {
        process.kill(-p.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await Promise.race([gone, sleep(5000)]);
    }
    // Whatever of the group is left (extension host, language server, workers).
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
}

export async function openBrowser(t: Tools, sb: Sandbox, url: string): Promise<Browser> {
  const context = await chromium.launchPersistentContext(sb.browserProfile, {
    executablePath: await chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    env: chromiumEnv(),
    viewport: { width: 1600, height: 1000 },
    deviceScaleFactor: 1,
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  return { context, page, consoleErrors };
}

export async function closeBrowser(b: Browser | undefined, sb: Sandbox): Promise<void> {
  if (b) await Promise.race([b.context.close().catch(() => undefined), sleep(10_000)]);
  // Playwright kills the browser when the context closes; kill any straggler of this profile too.
  killProcessesMentioning(sb.browserProfile);
}

/** SIGKILL every process whose command line mentions `needle` (a path unique to this sandbox). */
export function killProcessesMentioning(needle: string): void {
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmd.includes(needle)) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export function cleanup(sb: Sandbox | undefined): void {
  if (!sb || process.env.CONVLENS_E2E_KEEP === '1') return;
  try {
    rmSync(sb.dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    /* best effort */
  }
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, basename(name));
}
