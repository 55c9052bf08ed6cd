/**
 * Driving the VS Code workbench (code-server) from playwright: the palette, quick open, go to line,
 * hovers, the code action menu, the Problems panel and webviews. Each helper waits for what the UI
 * really shows before it returns, and retries the steps that race with the workbench.
 */
import type { Frame, Locator, Page } from 'playwright-core';
import { artifact, until } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The editor renders spaces as U+00A0 (and inlay hints with thin/nbsp padding): compare plain text. */
export const plain = (s: string) => s.replace(/[\u00a0\u2007\u202f]/g, ' ');

export class Workbench {
  private shots = 0;
  constructor(readonly page: Page) {}

  /** The workbench is up and no extension is still activating. */
  async ready(): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
    await this.notActivating();
  }

  async notActivating(ms = 90_000): Promise<void> {
    await until('the status bar to stop saying "Activating Extensions"', async () => !/Activating Extensions/i.test(await this.statusBar()), ms, 300);
  }

  async statusBar(): Promise<string> {
    return (await this.page.locator('.part.statusbar').innerText().catch(() => '')) ?? '';
  }

  async screenshot(name: string): Promise<string> {
    const path = artifact(`${String(++this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path }).catch(() => undefined);
    return path;
  }

  // ------------------------------------------------------------------ quick input

  private get quickInput(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  async closeQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible().catch(() => false)) {
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
    }
  }

  /** Open the quick input with F1 and set its text (">" prefix: commands; none: files; ":": lines). */
  async quickOpen(text: string): Promise<void> {
    await until(
      'the quick input (F1)',
      async () => {
        await this.closeQuickInput();
        await this.page.keyboard.press('F1');
        await this.quickInput.waitFor({ state: 'visible', timeout: 5000 });
        return true;
      },
      30_000,
      500,
    );
    await this.quickInput.fill(text);
  }

  /** Type into an open quick input (a command's quick pick), replacing its filter text. */
  async filterQuickInput(text: string): Promise<void> {
    await this.quickInput.waitFor({ state: 'visible', timeout: 10_000 });
    await this.quickInput.fill(text);
  }

  /** The visible rows of the quick input list. */
  async quickRows(): Promise<string[]> {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts();
  }

  /** F1, type the command's title, wait until it is listed (first), Enter. */
  async runCommand(title: string, ms = 45_000): Promise<void> {
    await until(
      `the command "${title}" in the palette`,
      async () => {
        await this.quickOpen(`>${title}`);
        const ok = await until(
          `"${title}" to be the first palette row`,
          async () => {
            const first = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
            const label = (await first.getAttribute('aria-label').catch(() => null)) ?? (await first.innerText().catch(() => ''));
            // "Title", "Title, Ctrl+K W", "Title, similar commands"; not "Title in Group".
            return label === title || label.startsWith(`${title},`);
          },
          8000,
        ).catch(() => false);
        if (!ok) return false;
        await this.page.keyboard.press('Enter');
        await this.quickInput.waitFor({ state: 'hidden', timeout: 5000 });
        return true;
      },
      ms,
      1000,
    );
  }

  /** Quick open a workspace file by its (relative) path and wait until its editor is active. */
  /** Quick-opens a file; `textEditor: false` for files that open in a custom editor (a webview). */
  async openFile(relPath: string, textEditor = true): Promise<void> {
    const name = relPath.split('/').pop()!;
    await until(
      `quick open of ${relPath}`,
      async () => {
        await this.quickOpen(relPath);
        const listed = await until(
          `${relPath} in quick open`,
          async () => (await this.quickRows()).some((r) => r.includes(name)),
          10_000,
        ).catch(() => false);
        if (!listed) return false;
        await this.page.keyboard.press('Enter');
        await this.page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).first().waitFor({ state: 'visible', timeout: 10_000 });
        return true;
      },
      60_000,
      1000,
    );
    if (textEditor) await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
  }

  /** Ctrl+G to a 1-based line and column; waits for the status bar to show it. */
  async goTo(line: number, col = 1): Promise<void> {
    await until(
      `the cursor at Ln ${line}, Col ${col}`,
      async () => {
        await this.quickOpen(`:${line}:${col}`);
        await sleep(150);
        await this.page.keyboard.press('Enter');
        await this.quickInput.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
        return until('status bar position', async () => (await this.statusBar()).includes(`Ln ${line}, Col ${col}`), 3000).catch(() => false);
      },
      30_000,
      500,
    );
  }

  // ------------------------------------------------------------------ editor

  /** The active editor's rendered text (inlay hints included). */
  async editorText(): Promise<string> {
    return plain(await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().innerText());
  }

  /** The rendered text of a (visible) editor line, 1-based; '' when it is not rendered. */
  async lineText(line: number): Promise<string> {
    const top = await this.lineTop(line);
    if (top === undefined) return '';
    const text = await this.page.evaluate((top) => {
      const root = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
      const el = [...(root?.children ?? [])].find((c) => (c as HTMLElement).style.top === `${top}px`);
      return (el as HTMLElement | undefined)?.innerText ?? '';
    }, top);
    return plain(text);
  }

  /** The `top` of a line's box in the editor's line layer, from the line-number gutter. */
  private async lineTop(line: number): Promise<number | undefined> {
    return this.page.evaluate((line) => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor');
      const nums = [...(editor?.querySelectorAll('.margin-view-overlays .line-numbers') ?? [])] as HTMLElement[];
      const n = nums.find((e) => e.textContent?.trim() === String(line));
      const box = n?.closest('.margin-view-overlays > div') as HTMLElement | null;
      if (!box) return undefined;
      return parseFloat(box.style.top);
    }, line);
  }

  /** Screen rectangle of the first occurrence of `word` in a rendered line (1-based). */
  async wordBox(line: number, word: string): Promise<{ x: number; y: number; width: number; height: number } | undefined> {
    const top = await this.lineTop(line);
    if (top === undefined) return undefined;
    return this.page.evaluate(
      ({ top, word }) => {
        const root = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
        const el = [...(root?.children ?? [])].find((c) => (c as HTMLElement).style.top === `${top}px`) as HTMLElement | undefined;
        if (!el) return undefined;
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const i = n.textContent!.indexOf(word);
          if (i < 0) continue;
          const r = document.createRange();
          r.setStart(n, i);
          r.setEnd(n, i + word.length);
          const b = r.getBoundingClientRect();
          return { x: b.x, y: b.y, width: b.width, height: b.height };
        }
        return undefined;
      },
      { top, word },
    );
  }

  async press(keys: string): Promise<void> {
    await this.page.keyboard.press(keys);
  }

  /** Give the active editor the keyboard focus (VS Code types through a native EditContext div). */
  async focusEditor(): Promise<void> {
    await this.closeQuickInput();
    await until('the active editor to have the keyboard focus', () =>
      this.page.evaluate(() => {
        const editor = document.querySelector('.editor-group-container.active .monaco-editor');
        if (!editor) return false;
        if (editor.contains(document.activeElement)) return true;
        const input = editor.querySelector('.native-edit-context, textarea.inputarea') as HTMLElement | null;
        input?.focus();
        return editor.contains(document.activeElement);
      }),
    5000, 200);
  }

  // ------------------------------------------------------------------ hover / code actions

  /** Move the mouse onto `word` on `line` until a hover containing `expect` shows; its text. */
  async hover(line: number, word: string, expect: RegExp): Promise<string> {
    let text = '';
    await until(
      `a hover on "${word}" (line ${line}) matching ${expect}`,
      async () => {
        const box = await this.wordBox(line, word);
        if (!box) return false;
        // Leave and re-enter, so each attempt is a fresh hover.
        await this.page.mouse.move(box.x + box.width / 2, box.y - 60);
        await sleep(200);
        await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
        const hover = this.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: expect }).first();
        const ok = await hover.waitFor({ state: 'visible', timeout: 6000 }).then(
          () => true,
          () => false,
        );
        if (!ok) return false;
        // Let the hover finish growing (several providers answer).
        await sleep(500);
        text = plain(await hover.innerText());
        return expect.test(text);
      },
      60_000,
      500,
    );
    return text;
  }

  /** Ctrl+. at the cursor until the code action menu lists `title`; returns all its rows. */
  async codeActions(title: RegExp): Promise<string[]> {
    let rows: string[] = [];
    await until(
      `the code action menu to list ${title}`,
      async () => {
        await this.page.keyboard.press('Escape');
        await this.focusEditor();
        await this.page.keyboard.press('Control+.');
        const menu = this.page.locator('.action-widget');
        const ok = await menu.filter({ hasText: title }).first().waitFor({ state: 'visible', timeout: 6000 }).then(
          () => true,
          () => false,
        );
        if (!ok) return false;
        rows = (await menu.locator('.monaco-list-row').allInnerTexts()).map(plain);
        return true;
      },
      60_000,
      1000,
    );
    return rows;
  }

  async chooseCodeAction(title: RegExp): Promise<void> {
    const row = this.page.locator('.action-widget .monaco-list-row').filter({ hasText: title }).first();
    await row.hover();
    await row.click();
    await this.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  }

  /** Answer a modal dialog ("Do you want to save…?") with the button labelled `button`, if one shows. */
  async answerDialog(button: RegExp): Promise<boolean> {
    const dialog = this.page.locator('.monaco-dialog-box');
    if (!(await dialog.isVisible().catch(() => false))) return false;
    await dialog.locator('.monaco-button').filter({ hasText: button }).first().click();
    await dialog.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
    return true;
  }

  // ------------------------------------------------------------------ problems

  /** Open the Problems panel (Ctrl+Shift+M) and return its rows' aria labels and text. */
  async problems(): Promise<{ label: string; text: string }[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible().catch(() => false))) {
      await this.focusEditor();
      await this.page.keyboard.press('Control+Shift+M');
      await panel.waitFor({ state: 'visible', timeout: 10_000 });
    }
    const rows = panel.locator('.monaco-list-row');
    const n = await rows.count();
    const out: { label: string; text: string }[] = [];
    for (let i = 0; i < n; i++) {
      const r = rows.nth(i);
      out.push({ label: plain((await r.getAttribute('aria-label').catch(() => null)) ?? ''), text: plain(await r.innerText().catch(() => '')) });
    }
    return out;
  }

  // ------------------------------------------------------------------ webviews

  /** The first frame (webviews are nested iframes) where `selector` exists. */
  async frameWith(selector: string, ms = 60_000): Promise<Frame> {
    return until(
      `a webview frame with ${selector}`,
      async () => {
        for (const f of this.page.frames()) {
          if (f === this.page.mainFrame()) continue;
          const has = await f.locator(selector).count().catch(() => 0);
          if (has) return f;
        }
        return undefined;
      },
      ms,
      500,
    );
  }
}
