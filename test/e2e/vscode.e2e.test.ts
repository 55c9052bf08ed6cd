/**
 * ConvLens in a real VS Code: the packaged .vsix installed into code-server (VS Code's workbench
 * with a Node extension host), driven through headless Chromium with playwright-core, on a fresh
 * workspace of fixtures. Each feature is its own test; every expectation comes from the engine.
 *
 * Run with `npm run test:e2e` (scripts/e2e/run.mjs installs code-server, packages the .vsix and
 * sets the environment). Screenshots and the code-server log land in artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import {
  CodeServer,
  ROOT,
  artifact,
  cleanup,
  closeBrowser,
  freePort,
  installExtension,
  makeSandbox,
  openBrowser,
  tools,
  until,
  type Browser,
  type Sandbox,
} from './harness';
import { Workbench } from './workbench';
import { typeCheck } from '../helpers/typecheck';
import { blockActionOf } from '../../protocol/lsp';
import { human, shapeCompact } from '../../server/src/engine/report/format';
import { analyzeSavedModel } from '../../server/src/engine/analyze_saved';
import { buildNamed, loadFixtureModule, tfjs } from '../helpers/tfjs_oracle';
import { captureArtifacts, writeLayersModel } from '../helpers/saved_artifacts';
import {
  FILES,
  adviceFix,
  analyze,
  analyzeFixture,
  applyEdits,
  blockActionsAt,
  hintLabel,
  hintLine,
  hoverFacts,
  layerNamed,
  markedErrorLines,
  totals,
  workspaceFiles,
} from './expectations';

let sb: Sandbox | undefined;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let wb: Workbench;
/** Screenshots worth putting in the README (docs/images/e2e-*.png), by name. */
const bestShots: Record<string, string> = {};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Close every editor (and the panel), so a test starts from a known layout. */
async function closeAllEditors(): Promise<void> {
  await wb.answerDialog(/Don't Save/);
  await wb.runCommand('View: Close All Editors');
  await until(
    'all editors to close',
    async () => {
      // A test that failed halfway may leave a modified file behind: drop its changes.
      await wb.answerDialog(/Don't Save/);
      return (await wb.page.locator('.tabs-container .tab').count()) === 0;
    },
    15_000,
  );
}

async function shotOnFailure<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const path = await wb.screenshot(`FAILED-${name}`);
    (e as Error).message += `\n  screenshot: ${path}`;
    throw e;
  }
}

before(
  async () => {
    const t = tools();
    sb = makeSandbox(t, workspaceFiles());
    installExtension(t, sb);
    server = new CodeServer(t, sb, await freePort());
    await server.start();
    browser = await openBrowser(t, sb, server.url);
    wb = new Workbench(browser.page);
    await shotOnFailure('workbench', async () => {
      await wb.ready();
      // More room for the editor and the hints (best effort: the command is listed only while
      // the side bar shows).
      await wb.runCommand('View: Close Primary Side Bar', 15_000).catch(() => undefined);
      await wb.closeQuickInput();
      await wb.screenshot('workbench');
    });
  },
  { timeout: 240_000 },
);

after(
  async () => {
    if (browser && sb) await closeBrowser(browser, sb);
    await server?.stop();
    if (server) copyFileSync(server.logFile, artifact('code-server.log'));
    // The extension host's and ConvLens's own logs (the language server's output channel).
    if (sb) for (const f of logFiles(join(sb.userData, 'logs'))) copyFileSync(f, artifact(`log-${f.split('/').slice(-2).join('-')}`));
    writeFileSync(artifact('best-shots.json'), JSON.stringify(bestShots, null, 2));
    if (browser?.consoleErrors.length) writeFileSync(artifact('browser-console-errors.txt'), browser.consoleErrors.join('\n'));
    cleanup(sb);
  },
  { timeout: 60_000 },
);

test('inlay hints with shapes appear in the editor text of ResNet-50', { timeout: 120_000 }, async () => {
  const r = analyzeFixture(FILES.resnet.src);
  const stem = ['conv1_pad', 'conv1', 'pool1'].map((n) => layerNamed(r, n));
  await shotOnFailure('hints', async () => {
    await closeAllEditors();
    await wb.openFile(FILES.resnet.ws);
    await wb.notActivating();
    await wb.goTo(hintLine(stem[1]!), 1);
    // The headline: a shape hint after the 7×7 stem conv, in the editor's own text.
    const headline = `→ ${shapeCompact(stem[1]!.outputShape)}`;
    const text = await until(`the "${headline}" hint in the ResNet-50 editor`, async () => {
      const t = await wb.editorText();
      return t.includes(headline) && t;
    }, 60_000);
    assert.ok(text.includes('→ 112×112×64'), 'the 7×7 stem conv of ResNet-50 outputs 112×112×64');
    // Each stem layer's line carries its hint, exactly as the engine computes it.
    for (const l of stem) {
      const line = hintLine(l);
      const want = hintLabel(l);
      const got = await until(`the hint "${want}" on line ${line}`, async () => {
        const s = await wb.lineText(line);
        return s.includes(want) && s;
      }, 20_000);
      assert.ok(got.includes(want), `line ${line}: ${got}`);
    }
    // The status bar names the model with its totals.
    const want = `${r.models[0]!.report.name}: ${human(r.models[0]!.report.totalParams)} params`;
    await until(`"${want}" in the status bar`, async () => (await wb.statusBar()).includes(want), 30_000);
    await wb.screenshot('hints');
  });
});

test('hovering a conv call shows the card with shapes and params', { timeout: 120_000 }, async () => {
  const r = analyzeFixture(FILES.resnet.src);
  const conv1 = layerNamed(r, 'conv1');
  const line = conv1.range.start.line + 1;
  await shotOnFailure('hover', async () => {
    if (!(await wb.page.locator('.tabs-container .tab.active[aria-label^="resnet50.ts"]').count())) await wb.openFile(FILES.resnet.ws);
    await wb.goTo(line, 1);
    const card = await wb.hover(line, 'conv2d', /Conv2D[\s\S]*Params/);
    for (const fact of hoverFacts(conv1)) assert.ok(card.includes(fact), `the hover card lacks "${fact}":\n${card}`);
    assert.match(card, /\[null,112,112,64\]/);
    assert.match(card, /MACs/);
    assert.match(card, /Receptive field/);
    // Let the other hover providers (TypeScript) settle, for a clean picture.
    await until('the hover to finish loading', async () => !/loading\.\.\./.test(await wb.page.locator('.monaco-hover:not(.hidden)').first().innerText().catch(() => '')), 10_000).catch(() => undefined);
    bestShots['e2e-hints-hover.png'] = await wb.screenshot('hover');
    await wb.page.mouse.move(5, 500);
  });
});

test('the quick fix on the flagged 5×5 conv inserts the 1×1 reduction, as announced', { timeout: 180_000 }, async (t) => {
  const before = analyzeFixture(FILES.inception.src);
  const fix = adviceFix(before, 'reduce-channels');
  const beforeText = readFileSync(resolve(ROOT, FILES.inception.src), 'utf8');
  const expectedText = applyEdits(beforeText, fix.finding.fix!.edits);
  const inserted = fix.finding.fix!.edits.map((e) => e.newText).find((s) => /kernelSize: 1\b/.test(s));
  assert.ok(inserted, `the fix inserts no 1×1 conv: ${JSON.stringify(fix.finding.fix!.edits)}`);
  const diskPath = join(sb!.workspace, FILES.inception.ws);

  await shotOnFailure('quickfix', async () => {
    await closeAllEditors();
    await wb.openFile(FILES.inception.ws);
    await wb.goTo(fix.line, fix.col);
    // The warning is on that line (the squiggle), then Ctrl+. offers the fix by its exact title.
    const rows = await wb.codeActions(/Insert 1×1 reduction/);
    assert.ok(rows.includes(fix.title), `the code action menu lacks "${fix.title}":\n${rows.join('\n')}`);
    bestShots['e2e-quick-fix.png'] = await wb.screenshot('quickfix-menu');
    await wb.chooseCodeAction(/Insert 1×1 reduction/);

    // The editor text now holds the inserted conv. The rendered line interleaves inlay hints with
    // the code (a hint follows `.apply(x)`), so look for the inserted call up to its `.apply(`;
    // the saved file below is compared exactly.
    const head = inserted!.includes('.apply(') ? inserted!.slice(0, inserted!.indexOf('.apply(')) : inserted!;
    const line = await until('the 1×1 reduction in the editor', async () => {
      const s = await wb.lineText(fix.line);
      return s.includes(head) && s;
    }, 20_000);
    assert.match(line, /conv2d\(\{ filters: 48, kernelSize: 1\b/);
    await wb.screenshot('quickfix-applied');

    // Save, read it back from disk: exactly the engine's edit, nothing else.
    const saved = await until('the saved file on disk', async () => {
      await wb.focusEditor();
      await wb.press('Control+S');
      await sleep(500);
      const s = readFileSync(diskPath, 'utf8');
      return s !== beforeText && s;
    }, 30_000, 1000);
    assert.equal(saved, expectedText, 'the saved file is not the original with the announced edit applied');
  });

  // The saved file, analysed again: the totals moved by exactly the announced saving.
  const afterR = analyze(diskPath);
  const a = totals(before);
  const b = totals(afterR);
  assert.equal(afterR.diagnostics.filter((d) => d.severity === 'error').length, 0, 'the fix introduced shape errors');
  assert.equal(a.params - b.params, fix.saving.params, `params ${a.params} → ${b.params}, announced saving ${fix.saving.params}`);
  assert.equal(a.macs - b.macs, fix.saving.macs, `MACs ${a.macs} → ${b.macs}, announced saving ${fix.saving.macs}`);
  t.diagnostic(`${fix.title}: params ${a.params} → ${b.params}, MACs ${a.macs} → ${b.macs}, layers ${a.layers} → ${b.layers}`);
});

test('the broken fixtures\' shape errors are listed in the Problems panel at the right lines', { timeout: 150_000 }, async () => {
  const cases = [FILES.helperError, FILES.tooSmall].map((f) => {
    const text = readFileSync(resolve(ROOT, f.src), 'utf8');
    const marked = markedErrorLines(text);
    const engine = analyzeFixture(f.src).diagnostics.filter((d) => d.code === 'shape-error');
    assert.ok(marked.length, `${f.src} has no // error: marker`);
    assert.deepEqual(engine.map((d) => d.range.start.line + 1).sort((x, y) => x - y), marked, `the engine's shape errors in ${f.src} are not on the marked lines`);
    return { name: f.ws.split('/').pop()!, ws: f.ws, marked, cols: engine.map((d) => d.range.start.character + 1) };
  });

  await shotOnFailure('problems', async () => {
    await closeAllEditors();
    for (const c of cases) await wb.openFile(c.ws);
    let last: { file: string; line: number; col: number; text: string }[] = [];
    await until(
      'the shape errors in the Problems panel',
      async () => {
        last = problemsByFile(await wb.problems());
        return cases.every((c) => {
          const lines = last.filter((p) => p.file === c.name && /shape-error/.test(p.text)).map((p) => p.line);
          return lines.length === c.marked.length;
        });
      },
      60_000,
      1000,
    ).catch(() => undefined);
    for (const c of cases) {
      const mine = last.filter((p) => p.file === c.name && /shape-error/.test(p.text));
      assert.deepEqual(mine.map((p) => p.line), c.marked, `Problems rows for ${c.name}: ${JSON.stringify(last, null, 1)}`);
      assert.deepEqual(mine.map((p) => p.col), c.cols, `columns for ${c.name}`);
      for (const p of mine) assert.match(p.text, /convlens/);
    }
    bestShots['e2e-problems.png'] = await wb.screenshot('problems');
    await wb.runCommand('View: Hide Panel');
  });
});

test('ConvLens: Profile Model from the palette opens the panel with one row per layer', { timeout: 150_000 }, async () => {
  const r = analyzeFixture(FILES.resnet.src);
  const report = r.models[0]!.report;
  await shotOnFailure('profile', async () => {
    await closeAllEditors();
    await wb.openFile(FILES.resnet.ws);
    await wb.goTo(report.range.start.line + 2, 1);
    await wb.runCommand('ConvLens: Profile Model');
    // The webview: an iframe in an iframe; find the one with the table.
    const frame = await wb.frameWith('table.profile tbody tr', 60_000);
    const rows = frame.locator('table.profile tbody tr');
    await until(`${report.layers.length} rows in the profile table`, async () => (await rows.count()) === report.layers.length, 30_000);
    const names = await frame.locator('table.profile tbody tr td.c-name').allInnerTexts();
    assert.deepEqual(names, report.layers.map((l) => l.displayName), 'the table rows are not the engine\'s layers, in order');
    const foot = await frame.locator('table.profile tfoot').innerText();
    assert.match(foot, new RegExp(`Total \\(${report.layers.length} layers\\)`));
    assert.ok(foot.includes((report.totalParams ?? NaN).toLocaleString('en-US')), `footer: ${foot}`);
    // The panel is a tab of its own beside the editor, titled after the model.
    const tabs = await wb.page.locator('.tabs-container .tab').allInnerTexts();
    assert.ok(tabs.some((t) => t.includes(`ConvLens: ${report.name}`)), `no "ConvLens: ${report.name}" tab among ${JSON.stringify(tabs)}`);
    await sleep(1000);
    bestShots['e2e-profile.png'] = await wb.screenshot('profile');
    // Best effort, for the README: the panel's group maximized shows every column.
    try {
      await wb.page.locator('.tabs-container .tab').filter({ hasText: `ConvLens: ${report.name}` }).first().click();
      await wb.runCommand('View: Maximize Editor Group and Hide Side Bars');
      await until('the panel to show every column', async () => ((await frame.locator('table.profile th.c-memory').boundingBox())?.x ?? 1e9) < 1500, 10_000);
      await sleep(1000);
      bestShots['e2e-profile.png'] = await wb.screenshot('profile-wide');
    } catch (e) {
      console.log(`(no wide profile screenshot: ${(e as Error).message.split('\n')[0]})`);
    }
  });
});

test('Insert Block… in a functional file: the chosen block is inserted, saved, and the file still type-checks (tsc --strict, real tfjs types)', { timeout: 180_000 }, async (t) => {
  // The case: after `x = tf.layers.maxPooling2d(...).apply(x) as tf.SymbolicTensor`.
  const src = readFileSync(resolve(ROOT, FILES.insert.src), 'utf8');
  const lines = src.split('\n');
  const line = lines.findIndex((l) => l.includes("name: 'pool1' })")) + 1;
  const col = lines[line - 1]!.indexOf('tf.layers.maxPooling2d') + 1;
  assert.ok(line > 0 && col > 0);
  const offered = blockActionsAt(FILES.insert.src, line, col);
  const inception = offered.find((a) => blockActionOf(a.kind) === 'inception');
  assert.ok(inception, `the engine offers no inception block there: ${offered.map((a) => a.title).join(' | ')}`);
  const expectedText = applyEdits(src, inception.edits);
  // What the test can check without the workbench: the edit type-checks (the property test checks them all).
  assert.deepEqual(typeCheck([{ file: resolve(ROOT, FILES.insert.src), text: expectedText }])[0], []);
  const diskPath = join(sb!.workspace, FILES.insert.ws);

  await shotOnFailure('insert-block', async () => {
    await closeAllEditors();
    await wb.openFile(FILES.insert.ws);
    await wb.notActivating();
    await wb.goTo(line, col);
    // The analysis is there once the pool's hint shows.
    await until('the max-pool hint', async () => (await wb.lineText(line)).includes('→ 56×56×64'), 60_000);
    await wb.runCommand('ConvLens: Insert Block…');
    // The quick pick lists every kind the engine offers there, by title.
    const rows = await until('the Insert Block quick pick', async () => {
      const r = (await wb.quickRows()).map((x) => x.split('\n')[0]!);
      return r.some((x) => x.includes('Insert inception block')) && r;
    }, 30_000);
    for (const a of offered) assert.ok(rows.some((r) => r.includes(a.title.slice(0, 40))), `"${a.title}" missing from the quick pick:\n${rows.join('\n')}`);
    await wb.screenshot('insert-block-pick');
    await wb.filterQuickInput('inception');
    await until('the inception row first', async () => ((await wb.quickRows())[0] ?? '').includes('Insert inception block'), 10_000);
    await wb.page.keyboard.press('Enter');
    await until('the inserted call in the editor', async () => (await wb.editorText()).includes('inceptionBlock('), 20_000);
    bestShots['e2e-insert-block.png'] = await wb.screenshot('insert-block-applied');
    const saved = await until('the saved file on disk', async () => {
      await wb.focusEditor();
      await wb.press('Control+S');
      await sleep(500);
      const s = readFileSync(diskPath, 'utf8');
      return s !== src && s;
    }, 30_000, 1000);
    assert.equal(saved, expectedText, 'the saved file is not the original with the engine\'s block edit');
  });

  // The saved file: tsc --strict against @tensorflow/tfjs's own declarations (resolved from the
  // repository, where node_modules is), and the engine finds no error and more layers.
  const saved = readFileSync(diskPath, 'utf8');
  const errors = typeCheck([{ file: resolve(ROOT, FILES.insert.src), text: saved }])[0]!;
  assert.deepEqual(errors, [], `the saved file does not type-check:\n${errors.join('\n')}`);
  const after = analyze(diskPath);
  assert.equal(after.diagnostics.filter((d) => d.severity === 'error').length, 0);
  const layers = (r: typeof after) => r.models[0]!.report.layers.length;
  assert.ok(layers(after) > layers(analyzeFixture(FILES.insert.src)), 'the block added layers');
  t.diagnostic(`${inception.title}: the saved file type-checks; ${layers(analyzeFixture(FILES.insert.src))} → ${layers(after)} layers`);
});

test('a tfjs model.json opens in the ConvLens model viewer: the graph, and the Findings tab with its checks', { timeout: 150_000 }, async () => {
  // A model.json written by real tfjs (AlexNet's fixture), its weights shard cut short.
  const tf = await tfjs();
  const model = await buildNamed(loadFixtureModule(resolve(ROOT, 'test/fixtures/models/alexnet.ts')), 'alexNet');
  const art = await captureArtifacts(model);
  model.dispose();
  tf.disposeVariables();
  const dir = join(sb!.workspace, 'pretrained');
  const written = writeLayersModel(dir, art, 512 * 1024 * 1024);
  writeFileSync(join(dir, written.shards[0]!), Buffer.alloc(1000));
  const expected = analyzeSavedModel(readFileSync(written.modelJson, 'utf8'), written.modelJson, { fileSize: (p) => statSync(join(dir, p)).size });
  const report = expected.models[0]!.report;
  await shotOnFailure('saved-model', async () => {
    await closeAllEditors();
    await wb.openFile('pretrained/model.json', false);
    const frame = await wb.frameWith('.cl-graph g.viewport', 90_000);
    // One box per layer (and the input), each labelled as the engine describes it.
    const boxes = frame.locator('.cl-graph [data-layer-index]');
    await until(`${report.layers.length} layer boxes`, async () => (await boxes.count()) === report.layers.length, 30_000);
    assert.match(await frame.locator('.summary').innerText(), new RegExp(`${human(report.totalParams).replace('.', '\\.')} params`));
    await frame.locator('.tab-findings').click();
    const findings = await until('the shard check in the Findings tab', async () => {
      const t = await frame.locator('.findings').innerText();
      return /weight shards hold 1,000 bytes/.test(t) && t;
    }, 30_000);
    assert.match(findings, /TensorFlow\.js layers model/);
    bestShots['e2e-saved-model.png'] = await wb.screenshot('saved-model');
  });
});

/** Problems rows → markers with their file (a file row heads its markers; related-info rows skipped). */
function problemsByFile(rows: { label: string; text: string }[]): { file: string; line: number; col: number; text: string }[] {
  const out: { file: string; line: number; col: number; text: string }[] = [];
  let file = '';
  for (const r of rows) {
    const head = /problems? in file (.+?) of folder/.exec(r.label);
    if (head) {
      file = head[1]!;
      continue;
    }
    if (!/generated by/.test(r.label)) continue; // related information ("via … called here")
    const pos = /\[Ln (\d+), Col (\d+)\]/.exec(r.text);
    if (pos) out.push({ file, line: Number(pos[1]), col: Number(pos[2]), text: r.text });
  }
  return out;
}

/** exthost.log and the ConvLens output channel's log, wherever this VS Code version puts them. */
function logFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/^(exthost|remoteexthost|ConvLens)\.log$/.test(n)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

test('the extension logs no errors (ConvLens output channel), Profile\'s runtime worker included', { timeout: 60_000 }, async (t) => {
  // Runs last: the Profile command above started the runtime worker (measured latency) in the
  // background. Watch the log a little while, so an error it logs late is seen too.
  const read = () => {
    const logs = logFiles(join(sb!.userData, 'logs')).filter((f) => f.endsWith('ConvLens.log'));
    return { logs, errors: logs.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => /\[error\]/.test(l))) };
  };
  const end = Date.now() + 10_000;
  let seen = read();
  while (Date.now() < end && !seen.errors.length) {
    await sleep(1000);
    seen = read();
  }
  assert.ok(seen.logs.length, `no ConvLens.log under ${join(sb!.userData, 'logs')}`);
  if (seen.errors.length) t.diagnostic(seen.errors.join('\n'));
  assert.deepEqual(seen.errors, [], `ConvLens logged errors (full log: ${artifact('log-convlens.convlens-ConvLens.log')})`);
});
