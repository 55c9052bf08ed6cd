/**
 * Runs inside VS Code's extension host (launched by test/e2e/electron.runner.ts through
 * @vscode/test-electron): the same five checks as the code-server end-to-end test, through VS Code's
 * API instead of the UI. The expectations come from the runner (computed with the engine) in
 * CONVLENS_E2E_EXPECT; this file is bundled with esbuild and must not import the engine itself.
 */
import * as vscode from 'vscode';

export interface Expectations {
  workspace: string;
  resnet: { file: string; conv1: { line: number; character: number; hint: string; hover: string[] } };
  inception: { file: string; line: number; character: number; title: string; inserted: string; expectedText: string };
  broken: { file: string; lines: number[] }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (${(last as Error).message})` : ''}`);
    await sleep(300);
  }
}

function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

const text = (h: vscode.Hover) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : String(c))).join('\n');
const label = (h: vscode.InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));

export async function run(): Promise<void> {
  const x = JSON.parse(process.env.CONVLENS_E2E_EXPECT ?? 'null') as Expectations | null;
  check(x, 'CONVLENS_E2E_EXPECT is not set: run this through test/e2e/electron.runner.ts');
  const results: string[] = [];
  const step = async (name: string, fn: () => Promise<void>) => {
    const t0 = Date.now();
    await fn();
    results.push(`ok  ${name} (${Date.now() - t0} ms)`);
    console.log(`[convlens e2e] ok  ${name}`);
  };

  const resnet = await vscode.workspace.openTextDocument(vscode.Uri.file(x.resnet.file));
  await vscode.window.showTextDocument(resnet);
  const ext = await until('the ConvLens extension', async () => vscode.extensions.getExtension('convlens.convlens'));
  await until('ConvLens to activate', async () => ext.isActive);

  await step('inlay hints with shapes in ResNet-50', async () => {
    const { line, hint } = x.resnet.conv1;
    const range = new vscode.Range(line, 0, line + 1, 0);
    const hints = await until(`the hint "${hint}"`, async () => {
      const hs = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', resnet.uri, range);
      return hs?.some((h) => label(h).includes(hint)) && hs;
    });
    check(hints.some((h) => label(h).includes('→ 112×112×64')), `no "→ 112×112×64" hint: ${hints.map(label).join(' | ')}`);
  });

  await step('hover card on the stem conv', async () => {
    const { line, character, hover } = x.resnet.conv1;
    const card = await until('the ConvLens hover', async () => {
      const hs = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', resnet.uri, new vscode.Position(line, character));
      const all = (hs ?? []).map(text).join('\n');
      return /Conv2D/.test(all) && all;
    });
    for (const f of hover) check(card.includes(f), `the hover lacks "${f}":\n${card}`);
  });

  await step('the 1×1 reduction quick fix applies as announced', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(x.inception.file));
    await vscode.window.showTextDocument(doc);
    const at = new vscode.Range(x.inception.line, x.inception.character, x.inception.line, x.inception.character);
    const action = await until(`the code action "${x.inception.title}"`, async () => {
      const as = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, at, vscode.CodeActionKind.QuickFix.value);
      return as?.find((a): a is vscode.CodeAction => a.title === x.inception.title && 'edit' in a);
    });
    check(action.edit, 'the quick fix carries no edit');
    check(await vscode.workspace.applyEdit(action.edit), 'applyEdit failed');
    check(doc.getText().includes(x.inception.inserted), 'the 1×1 conv is not in the document');
    check(doc.getText() === x.inception.expectedText, 'the document is not the original with the announced edit');
    check(await doc.save(), 'saving failed');
  });

  await step('shape errors at the marked lines', async () => {
    for (const b of x.broken) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(b.file));
      await vscode.window.showTextDocument(doc);
      const lines = await until(`the shape errors of ${b.file}`, async () => {
        const ds = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'convlens' && String(typeof d.code === 'object' ? d.code.value : d.code) === 'shape-error');
        return ds.length > 0 && ds.map((d) => d.range.start.line + 1);
      });
      check(JSON.stringify(lines) === JSON.stringify(b.lines), `${b.file}: shape errors on lines ${lines}, marked ${b.lines}`);
    }
  });

  await step('ConvLens: Profile Model runs', async () => {
    await vscode.window.showTextDocument(resnet);
    await vscode.commands.executeCommand('convlens.profileModel');
    const tab = await until('the ConvLens panel', async () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label.startsWith('ConvLens')),
    );
    check(tab, 'no ConvLens panel');
  });

  console.log(`[convlens e2e] ${results.length} checks passed:\n${results.join('\n')}`);
}
