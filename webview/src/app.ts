/**
 * The panel: toolbar, tabs (Graph, Profile, Training) and the state that outlives a re-render
 * (selected model, collapse state and viewport per model), driven by host messages.
 */
import type { ModelGraph, ModelReport } from '../../server/src/engine/report/types';
import { human } from '../../server/src/engine/report/format';
import { h } from './dom';
import { exportSvg, svgToPng } from './export';
import { collapsedPredicate, defaultCollapse, groupKeys, repeatedBlocks, type CollapseState } from './graph/collapse';
import { GraphView, type Viewport } from './graph/graph_view';
import { LayoutClient } from './graph/layout_client';
import { LEGEND, type BasePalette } from './graph/palette';
import { cursorTargets, searchTargets } from './graph/find';
import { indexGraphSteps, representative, visibleGraphSteps, type GraphIndex, type VisibleGraph } from './graph/visible';
import type { Geometry } from './graph/layout';
import type { Host } from './host';
import { ProfileView, type MeasuredLatency } from './profile/profile_view';
import { FindingsView } from './findings_view';
import type { CursorMessage, ExportFormat, ModelMessage, ToWebview, ViewKind } from '../../protocol/panel';
import { readPalette } from './theme';
import { TrainingView } from './training_view';
import { PanelCheck } from './panel_check';
import { encodeEvent, type WorkerEvent } from '../../protocol/worker';
import { RunProgress } from './run_progress';
import { Slicer, drive, nextFrame } from './slices';

interface ModelState {
  collapse: CollapseState;
  viewport?: Viewport;
}
interface Saved {
  view?: ViewKind;
  models?: Record<string, ModelState>;
}
/** What the current drawing was made from. */
interface Current {
  key: string;
  graph: ModelGraph;
  report: ModelReport;
  ix: GraphIndex;
  keys: Map<string, string>;
  blocks: Set<string>;
  collapsed: (groupId: string) => boolean;
}

const LAYOUT_NOTICE_MS = 150;
/** From this many boxes on, the drawing waits for a frame after the layout's message arrives. */
const FRESH_SLICE_FROM = 2000;

export class App {
  private msg: ModelMessage | undefined;
  private modelName: string | undefined;
  private view: ViewKind = 'graph';
  private states: Record<string, ModelState> = {};
  private cur: Current | undefined;
  private shownKey: string | undefined;
  private cursor: CursorMessage | undefined;
  private token = 0;
  private palette: BasePalette;
  private needInitialView = false;
  private searchHits: string[] = [];
  private searchAt = -1;
  private profileDirty = false;
  private hostSelected: string | undefined;
  private hostView: ViewKind | undefined;

  private readonly graphView: GraphView;
  private readonly profile: ProfileView;
  private readonly training: TrainingView;
  /** The check on the panel's GPU (a Web Worker here), when the host hands one over. */
  private readonly panelCheck: PanelCheck;
  private readonly runProgress = new RunProgress(() => this.host.post({ type: 'cancelRun' }));
  private readonly findings: FindingsView;
  /** The mode of the runtime run whose events are arriving ('profile' runs feed the Profile view). */
  private runMode: 'check' | 'profile' | undefined;
  private readonly layouts: LayoutClient;
  /** A Fit is collapsing groups level by level: fit once the layout with legible labels is drawn. */
  private pendingFit = false;

  // toolbar parts
  private readonly picker = h('select', { class: 'picker', 'aria-label': 'Model', title: 'Model in this file' });
  private readonly tabs = new Map<ViewKind, HTMLButtonElement>();
  private readonly summary = h('span', { class: 'summary' });
  private readonly problems = h('button', { class: 'problems', type: 'button', hidden: true });
  private readonly graphTools = h('div', { class: 'tools graph-tools' });
  private readonly profileTools = h('div', { class: 'tools profile-tools' });
  private readonly search = h('input', { type: 'search', class: 'search', placeholder: 'Find layer…', title: 'Find layers by name, type or block (Enter: next, Shift+Enter: previous)', 'aria-label': 'Find layer by name or type', spellcheck: 'false' });
  private readonly searchCount = h('span', { class: 'search-count', 'aria-live': 'polite' });
  private readonly collapseBtn = h('button', { type: 'button', class: 'collapse-all' });
  private readonly sections = new Map<ViewKind, HTMLElement>();
  private readonly notice = h('div', { class: 'notice', hidden: true, role: 'status' });
  private readonly toast = h('div', { class: 'toast', hidden: true, role: 'status' });
  private toastTimer = 0;
  private saveTimer = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: Host,
  ) {
    const saved = (host.getState() ?? {}) as Saved;
    if (saved.models && typeof saved.models === 'object') this.states = saved.models;
    if (saved.view === 'graph' || saved.view === 'profile') this.view = saved.view;
    this.palette = readPalette();
    this.layouts = new LayoutClient((kind) => host.workerSource(kind), !host.standalone);
    this.graphView = new GraphView({
      node: (id, ev) => this.onNodeClick(id, ev),
      group: (id, ev) => this.onGroupClick(id, ev),
      viewport: (vp) => this.rememberViewport(vp),
    });
    this.training = new TrainingView({ reveal: (file, range) => this.host.post({ type: 'reveal', file, range }), cancel: () => this.panelCheck.cancel('cancelled') });
    this.panelCheck = new PanelCheck(() => host.trainingWorkerSource(), { event: (e) => this.onPanelEvent(e) });
    this.profile = new ProfileView({
      reveal: (i) => this.revealLayer(i),
      copy: (text, what) => this.host.post({ type: 'copy', text, what }),
    });
    this.findings = new FindingsView({ select: (d) => this.revealRange(d.range) });
    host.notify = (text) => this.showToast(text);
    // The layout worker first: it loads ELK while the page is built and the model arrives.
    this.layouts.warmUp();
    this.build();
    new MutationObserver(() => this.onTheme()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.onTheme());
    host.listen((m) => this.onMessage(m));
    host.post({ type: 'ready' });
  }

  // ---- building the page
  private build(): void {
    const tabBar = h('nav', { class: 'tabs', role: 'tablist' });
    for (const [v, label] of [
      ['graph', 'Graph'],
      ['profile', 'Profile'],
      ['training', 'Training'],
      ['findings', 'Findings'],
    ] as [ViewKind, string][]) {
      const b = h('button', { type: 'button', role: 'tab', class: `tab tab-${v}`, text: label, onclick: () => this.setView(v) });
      if (v === 'training' || v === 'findings') b.hidden = true;
      this.tabs.set(v, b);
      tabBar.append(b);
    }
    this.picker.addEventListener('change', () => {
      this.modelName = this.picker.value;
      // The host knows models by builder name (a variant is the same builder under other conditions).
      const picked = this.msg?.models.find((x) => modelId(x.report) === this.modelName);
      this.host.post({ type: 'selectModel', name: picked?.report.name ?? this.modelName });
      this.render();
    });
    this.problems.addEventListener('click', () => {
      const d = this.msg?.diagnostics.find((x) => x.severity === 'error') ?? this.cur?.report.diagnostics.find((x) => x.severity === 'error');
      if (d) this.host.post({ type: 'reveal', file: this.cur?.report.file ?? '', range: d.range });
    });

    const btn = (text: string, title: string, onclick: () => void, cls = '') => h('button', { type: 'button', class: cls, text, title, 'aria-label': title, onclick });
    this.search.addEventListener('input', () => this.runSearch());
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.stepSearch(e.shiftKey ? -1 : 1);
      } else if (e.key === 'Escape') {
        this.search.value = '';
        this.runSearch();
      }
    });
    this.collapseBtn.addEventListener('click', () => this.toggleAllBlocks());
    this.graphTools.append(
      h('div', { class: 'search-box' }, this.search, this.searchCount),
      this.collapseBtn,
      h(
        'div',
        { class: 'group-buttons', role: 'group', 'aria-label': 'Zoom' },
        btn('−', 'Zoom out (-)', () => this.graphView.zoom(0.8)),
        btn('Fit', 'Fit the graph at a readable size, collapsing blocks if that is what it takes (0); press again for all of it', () => this.fit()),
        btn('+', 'Zoom in (+)', () => this.graphView.zoom(1.25)),
      ),
      h('div', { class: 'group-buttons', role: 'group', 'aria-label': 'Export' }, btn('SVG', 'Export the graph as SVG', () => void this.export('svg')), btn('PNG', 'Export the graph as PNG', () => void this.export('png'))),
    );
    this.profileTools.append(
      btn('Copy Markdown', 'Copy the table as Markdown', () => this.profile.copy('markdown')),
      btn('Copy CSV', 'Copy the table as CSV', () => this.profile.copy('csv')),
    );
    const bar = h('header', { class: 'toolbar' }, this.picker, tabBar, this.summary, this.problems, h('div', { class: 'spacer' }), this.graphTools, this.profileTools);

    const legend = h('div', { class: 'legend', role: 'list', 'aria-label': 'Colours by layer family' });
    for (const f of LEGEND) legend.append(h('span', { class: 'item' }, h('span', { class: `fam-dot f-${f}` }), f === 'normalization' ? 'norm' : f));
    legend.append(h('span', { class: 'item' }, h('span', { class: 'fam-dot group' }), 'block'));
    const hint = h('span', { class: 'hint', text: 'Drag to pan · wheel to zoom · click a layer to reveal its code · click a block to open or close it' });
    const graphSection = h('section', { class: 'view view-graph' }, h('div', { class: 'graph-area' }, this.graphView.root, this.notice), h('footer', { class: 'footer' }, legend, hint));
    const profileSection = h('section', { class: 'view view-profile' }, this.runProgress.root, this.profile.root);
    const trainingSection = h('section', { class: 'view view-training' }, this.training.root);
    const findingsSection = h('section', { class: 'view view-findings' }, this.findings.root);
    this.sections.set('graph', graphSection).set('profile', profileSection).set('training', trainingSection).set('findings', findingsSection);
    this.root.append(bar, h('main', {}, graphSection, profileSection, trainingSection, findingsSection), this.toast);
    this.graphView.clear('Waiting for the model…');
    this.setView(this.view);
  }

  setView(v: ViewKind): void {
    this.view = v;
    for (const [k, b] of this.tabs) {
      b.setAttribute('aria-selected', String(k === v));
      b.classList.toggle('active', k === v);
    }
    for (const [k, s] of this.sections) s.hidden = k !== v;
    this.graphTools.hidden = v !== 'graph';
    this.profileTools.hidden = v !== 'profile';
    if (v === 'profile') this.showProfile();
    if (v === 'graph' && this.needInitialView) {
      this.needInitialView = false;
      requestAnimationFrame(() => this.graphView.initialView());
    }
    this.save();
  }

  private showProfile(): void {
    if (!this.profileDirty || !this.cur) return;
    this.profileDirty = false;
    this.profile.show(this.cur.report);
    if (this.cursor) this.applyCursor();
  }

  // ---- messages
  private onMessage(m: ToWebview): void {
    switch (m.type) {
      case 'model':
        this.onModel(m);
        break;
      case 'cursor':
        this.cursor = m;
        this.applyCursor();
        break;
      case 'theme':
        this.onTheme();
        break;
      case 'training':
        this.onTraining(m.event);
        break;
      case 'requestExport':
        void this.export(m.format);
        break;
      case 'probeGpu':
        void this.panelCheck.probe().then((device) => this.host.post({ type: 'gpuInfo', device }));
        break;
      case 'runCheck':
        void this.panelCheck.run(m.handoff, m.budgetMs);
        break;
      case 'cancelCheck':
        this.panelCheck.cancel(m.reason);
        break;
    }
  }

  /** An event of the check running here: shown at once, and sent to the host (status bar, notification). */
  private onPanelEvent(e: WorkerEvent): void {
    this.onTraining(e);
    this.training.setCancellable(this.panelCheck.running);
    this.host.post({ type: 'trainingEvent', line: encodeEvent(e) });
  }

  /** Runtime events: a check run fills the Training tab; a profile run adds measured latency. */
  private onTraining(e: unknown): void {
    this.runMode = TrainingView.modeOf(e) ?? this.runMode;
    const ev = e as { type?: string; result?: unknown };
    if (this.runMode === 'profile') {
      this.runProgress.add(e);
      if (ev.type === 'profile') this.profile.setLatency(measuredLatency(ev.result));
      return;
    }
    const tab = this.tabs.get('training')!;
    const firstShown = tab.hidden;
    tab.hidden = false;
    this.training.add(e);
    // The host opened the panel for a sanity check before the tab existed: go there now.
    if (firstShown && this.hostView === 'training') this.setView('training');
  }

  private onModel(m: ModelMessage): void {
    const sameDoc = this.msg?.uri === m.uri;
    this.msg = m;
    // One entry per model, variants included: `buildModel [kind = 'gru']` (docs/report.md).
    const ids = m.models.map((x) => modelId(x.report));
    // The host names a builder; of its variants, the one the file's own defaults build.
    const byHost = (name: string | undefined) => {
      if (!name) return undefined;
      if (ids.includes(name)) return name;
      const of = m.models.filter((x) => x.report.name === name);
      const pick = of.find((x) => x.report.variant?.default) ?? of[0];
      return pick && modelId(pick.report);
    };
    // The host repeats `selected` and `view` on every refresh: act on them when they change, so
    // an edit does not undo a model or tab the user picked in the panel.
    const hostSelected = m.selected !== this.hostSelected || !sameDoc ? byHost(m.selected) : undefined;
    this.hostSelected = m.selected;
    if (hostSelected) this.modelName = hostSelected;
    else if (!sameDoc || !this.modelName || !ids.includes(this.modelName)) this.modelName = byHost(m.selected) ?? ids[0];
    this.picker.replaceChildren(
      ...m.models.map((x) => h('option', { value: modelId(x.report), text: `${modelId(x.report)}${x.report.variant?.default ? ' (the file\'s defaults)' : ''}` })),
    );
    if (this.modelName) this.picker.value = this.modelName;
    this.picker.hidden = ids.length < 2;
    // A saved model file has no Problems-panel entries to click: its checks and advice get a tab.
    const saved = m.source !== undefined;
    this.tabs.get('findings')!.hidden = !saved;
    if (saved) this.findings.show(m.source, [...m.diagnostics, ...(m.findings ?? [])]);
    else if (this.view === 'findings') this.setView('graph');
    if (m.view && (m.view !== this.hostView || !sameDoc) && (m.view !== 'training' || !this.tabs.get('training')!.hidden)) this.setView(m.view);
    this.hostView = m.view;
    this.render();
  }

  private onTheme(): void {
    this.palette = readPalette();
    this.graphView.drawMinimap(this.palette);
  }

  // ---- rendering
  private modelKey(name: string): string {
    return `${this.msg?.uri ?? ''}#${name}`;
  }

  private render(anchor?: string): void {
    const m = this.msg;
    const payload = m?.models.find((x) => modelId(x.report) === this.modelName);
    if (!m || !payload) {
      this.cur = undefined;
      this.summary.textContent = '';
      this.problems.hidden = true;
      const none = m?.source !== undefined ? (m.diagnostics[0]?.message ?? 'No model in this file.') : 'No model found in this file: ConvLens looks for tf.sequential() and tf.model() in functions, methods and variables.';
      this.graphView.clear(m ? none : 'Waiting for the model…');
      this.profile.root.replaceChildren(h('p', { class: 'empty', text: 'No model to profile.' }));
      return;
    }
    // Keep only this render's measures (an editing session renders thousands of times).
    performance.clearMeasures();
    const token = ++this.token;
    const anchorAt = anchor ? this.graphView.screenOf(anchor) : undefined;
    void this.prepareAndDraw(token, performance.now(), payload, anchor, anchorAt);
  }

  /**
   * The rest of a render, in slices (slices.ts) that let frames paint between them: the indexes
   * and groups, the visible graph, the layout (in the workers), the drawing. A newer render (a
   * newer token) stops it at its next step; until it replaces `cur`, `cur` describes what is drawn.
   */
  private async prepareAndDraw(token: number, t0: number, payload: { graph: ModelGraph; report: ModelReport }, anchor: string | undefined, anchorAt: { x: number; y: number } | undefined): Promise<void> {
    const slicer = new Slicer();
    const { graph, report } = payload;
    const key = this.modelKey(modelId(report));
    // A collapse toggle re-renders the same graph: its indexes stand.
    const same = this.cur?.graph === graph ? this.cur : undefined;
    const ix = same?.ix ?? (await drive(indexGraphSteps(graph), slicer));
    await slicer.pause();
    if (token !== this.token) return;
    const keys = same?.keys ?? groupKeys(ix);
    const blocks = same?.blocks ?? repeatedBlocks(ix);
    const state = (this.states[key] ??= { collapse: defaultCollapse(report.layers.length) });
    const collapsed = collapsedPredicate(state.collapse, keys, blocks);
    this.cur = { key, graph, report, ix, keys, blocks, collapsed };
    this.renderHeader(report);
    // The table is built when its tab is shown (5,000 rows are not free).
    this.profileDirty = true;
    if (this.view === 'profile') this.showProfile();
    this.updateCollapseButton();
    const firstView = !(anchor && anchorAt) && this.shownKey !== key && !state.viewport;
    await slicer.pause();
    if (token !== this.token) return;
    const visible = await drive(visibleGraphSteps(ix, collapsed), slicer);
    // Phases as performance measures (cl:prepare, cl:layout, cl:draw): the benchmark reads them.
    performance.measure('cl:prepare', { start: t0 });
    await slicer.pause();
    if (token !== this.token) return;
    const tLayout = performance.now();
    const timer = setTimeout(() => this.showNotice(`Laying out ${visible.items.length} boxes…`), LAYOUT_NOTICE_MS);
    // A big graph's top arrives first (a first view shows the top); the rest then keeps a node in place.
    let ahead: string | undefined;
    const drawTop = (geometry: Geometry) => {
      if (token !== this.token) return;
      this.graphView.show(graph, report, { visible: drawnPart(visible, geometry), geometry }, this.palette, 'initial');
      if (this.view !== 'graph') this.needInitialView = true;
      ahead = visible.items.find((it) => geometry.items[it.id])?.id;
      performance.measure('cl:top', { start: tLayout });
    };
    try {
      const res = await this.layouts.layout(visible, firstView ? drawTop : undefined);
      if (!res || token !== this.token) return;
      performance.measure('cl:layout', { start: tLayout, detail: res.stats });
      // Reading a big geometry's message took most of a slice: the drawing gets a fresh one.
      if (visible.items.length >= FRESH_SLICE_FROM) {
        await nextFrame();
        if (token !== this.token) return;
      }
      const tDraw = performance.now();
      const aheadAt = ahead ? this.graphView.screenOf(ahead) : undefined;
      const view =
        ahead && aheadAt ? { anchor: ahead, screen: aheadAt } : anchor && anchorAt ? { anchor, screen: anchorAt } : this.shownKey === key ? this.graphView.viewport : (state.viewport ?? 'initial');
      this.graphView.show(graph, report, { visible, geometry: res.geometry }, this.palette, view);
      if (this.pendingFit) {
        if (!this.graphView.fitIsLegible() && this.collapseOneLevel()) return void this.render();
        this.pendingFit = false;
        this.graphView.fit('legible');
      }
      if (view === 'initial' && this.view !== 'graph') this.needInitialView = true;
      this.shownKey = key;
      this.applyCursor();
      // A search typed while only the top was drawn goes to its first hit now that all is there.
      if (this.search.value) this.runSearch(!!ahead && this.searchAt < 0);
      performance.measure('cl:draw', { start: tDraw });
      // Groups the user expands later may need ELK: it loads now, not while the page drew.
      setTimeout(() => this.layouts.warmElk(), 1000);
    } catch (e) {
      if (token === this.token) this.graphView.clear(`The layout failed: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
      if (token === this.token) this.showNotice('');
    }
  }

  private renderHeader(r: ModelReport): void {
    // A count that depends on sizes the file leaves open reads as its expression in them.
    const count = (n: number | null, e: { text: string } | undefined) => (n === null && e ? e.text : human(n));
    const parts = [`${count(r.totalParams, r.totalParamsExpr)} params`, `${count(r.macs, r.macsExpr)} MACs`, `${r.layers.length} layers`];
    if (r.depth) parts.push(`depth ${r.depth}`);
    this.summary.textContent = parts.join(' · ');
    this.summary.title = `${modelId(r)}${r.variant?.default ? " (the file's defaults)" : ''}: ${r.totalParams?.toLocaleString('en-US') ?? '?'} parameters (${r.trainableParams?.toLocaleString('en-US') ?? '?'} trainable), ${r.macs?.toLocaleString('en-US') ?? '?'} multiply-accumulates for batch 1`;
    const errors = new Set([...(this.msg?.diagnostics ?? []), ...(r.diagnostics ?? [])].filter((d) => d.severity === 'error').map((d) => `${d.range.start.line}:${d.range.start.character}:${d.message}`)).size;
    this.problems.hidden = errors === 0;
    this.problems.textContent = `${errors} error${errors === 1 ? '' : 's'}`;
    this.problems.title = 'Shape errors in this file: click to go to the first';
  }

  private showNotice(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = !text;
  }

  private showToast(text: string): void {
    this.toast.textContent = text;
    this.toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(() => (this.toast.hidden = true), 3500);
  }

  // ---- collapse
  private updateCollapseButton(): void {
    const c = this.cur;
    if (!c) return;
    const st = this.states[c.key]!.collapse;
    const anyCollapsed = [...c.ix.real].some((g) => c.collapsed(g));
    this.collapseBtn.disabled = c.blocks.size === 0 && !anyCollapsed;
    const expand = st.mode === 'blocks' || anyCollapsed;
    this.collapseBtn.textContent = expand ? 'Expand all' : 'Collapse blocks';
    this.collapseBtn.title = expand ? 'Show every layer' : `Collapse the ${c.blocks.size} repeated blocks (helper calls) into one box each`;
    this.collapseBtn.setAttribute('aria-pressed', String(st.mode === 'blocks'));
  }

  /**
   * Fit as semantic zoom: while the whole graph would be too small to read, collapse one more
   * level (the repeated blocks, then the groups around them: DenseNet's conv blocks, then its dense
   * blocks, then its stages), then fit; what is still too tall shows from the top at a readable
   * size. Pressed again right after: the whole graph, however small.
   */
  private fit(): void {
    if (!this.cur) return;
    if (this.graphView.fittedLegibly()) return this.graphView.fit('all');
    if (!this.graphView.fitIsLegible() && this.collapseOneLevel()) {
      this.pendingFit = true;
      this.save();
      this.render();
      return;
    }
    this.graphView.fit('legible');
  }

  /** Collapse the next level of groups; false when nothing more can be collapsed. */
  private collapseOneLevel(): boolean {
    const c = this.cur!;
    const st = this.states[c.key]!.collapse;
    if ([...c.blocks].some((b) => !c.collapsed(b))) {
      st.mode = 'blocks';
      for (const b of c.blocks) delete st.overrides[c.keys.get(b) ?? ''];
      return true;
    }
    const parents = new Set<string>();
    for (const id of c.ix.real) {
      if (!c.collapsed(id)) continue;
      const p = c.ix.realParent.get(id);
      if (p && !c.collapsed(p)) parents.add(p);
    }
    for (const p of parents) st.overrides[c.keys.get(p)!] = true;
    return parents.size > 0;
  }

  private toggleAllBlocks(): void {
    const c = this.cur;
    if (!c) return;
    const st = this.states[c.key]!.collapse;
    const anyCollapsed = [...c.ix.real].some((g) => c.collapsed(g));
    st.mode = st.mode === 'blocks' || anyCollapsed ? 'none' : 'blocks';
    st.overrides = {};
    this.states[c.key]!.viewport = undefined;
    this.shownKey = undefined;
    this.save();
    this.render();
  }

  private onGroupClick(groupId: string, ev: MouseEvent): void {
    const c = this.cur;
    if (!c) return;
    const g = c.ix.groups.get(groupId);
    if (!g) return;
    if ((ev.ctrlKey || ev.metaKey) && g.range) {
      this.host.post({ type: 'reveal', file: g.file ?? c.report.file, range: g.range });
      return;
    }
    const k = c.keys.get(groupId);
    if (!k) return;
    this.states[c.key]!.collapse.overrides[k] = !c.collapsed(groupId);
    this.save();
    this.render(groupId);
  }

  // ---- reveal and cursor
  private onNodeClick(nodeId: string, _ev: MouseEvent): void {
    const c = this.cur;
    const n = c?.ix.nodes.get(nodeId);
    if (!c || !n) return;
    this.graphView.mark('selected', [nodeId]);
    if (n.layerIndex === null) {
      this.host.post({ type: 'reveal', file: n.file, range: n.range });
      return;
    }
    this.profile.select(n.layerIndex);
    const l = c.report.layers[n.layerIndex]!;
    this.host.post({ type: 'reveal', file: l.file, range: l.range });
  }

  /** The layers whose constructing call (saved files: whose entry) is at `range`, shown in the graph. */
  private revealRange(range: { start: { line: number; character: number } }): void {
    const c = this.cur;
    if (!c) return;
    const i = c.report.layers.findIndex((l) => l.range.start.line === range.start.line && l.range.start.character === range.start.character);
    this.setView('graph');
    if (i < 0) return;
    this.profile.select(i);
    const ids = c.graph.nodes.filter((n) => n.layerIndex === i).map((n) => representative(c.ix, c.collapsed, n.id));
    this.graphView.mark('selected', ids);
    const first = ids.find((id) => this.graphView.has(id));
    if (first) this.graphView.reveal(first);
  }

  private revealLayer(i: number): void {
    const c = this.cur;
    const l = c?.report.layers[i];
    if (!c || !l) return;
    this.host.post({ type: 'reveal', file: l.file, range: l.range });
    const ids = c.graph.nodes.filter((n) => n.layerIndex === i).map((n) => representative(c.ix, c.collapsed, n.id));
    this.graphView.mark('selected', ids);
  }

  private applyCursor(): void {
    const c = this.cur;
    const m = this.cursor;
    if (!c || !m || m.uri !== this.msg?.uri) return;
    const { ids, layers } = cursorTargets(c, m.uri, { line: m.line, character: m.character });
    this.graphView.mark('cursor', ids);
    this.profile.markCursor(layers);
    const first = [...ids].find((id) => this.graphView.has(id));
    if (first && this.view === 'graph') this.graphView.reveal(first, true);
  }

  // ---- search
  private runSearch(move = true): void {
    const c = this.cur;
    const q = this.search.value.trim().toLowerCase();
    if (!c || !q) {
      this.searchHits = [];
      this.searchAt = -1;
      this.searchCount.textContent = '';
      this.graphView.mark('match', []);
      this.graphView.mark('current', []);
      return;
    }
    const hits = searchTargets(c, q);
    const geo = this.graphView.current?.geometry;
    const y = (id: string) => geo?.items[id]?.y ?? geo?.frames[id]?.y ?? 0;
    this.searchHits = [...hits].filter((id) => this.graphView.has(id)).sort((a, b) => y(a) - y(b));
    this.graphView.mark('match', this.searchHits);
    this.searchAt = -1;
    if (move && this.searchHits.length) this.stepSearch(1);
    else this.updateSearchCount();
  }

  private stepSearch(dir: 1 | -1): void {
    const n = this.searchHits.length;
    if (!n) return;
    this.searchAt = (this.searchAt + dir + n) % n;
    const id = this.searchHits[this.searchAt]!;
    this.graphView.mark('current', [id]);
    this.graphView.reveal(id);
    this.updateSearchCount();
  }

  private updateSearchCount(): void {
    const n = this.searchHits.length;
    this.searchCount.textContent = this.search.value.trim() ? (n ? `${this.searchAt + 1 || '–'}/${n}` : 'none') : '';
  }

  // ---- export
  private async export(format: ExportFormat): Promise<void> {
    const c = this.cur;
    const layout = this.graphView.current;
    if (!c || !layout) {
      this.showToast('Nothing to export yet.');
      return;
    }
    const svg = exportSvg(c.graph, c.report, layout, readPalette());
    const name = `${c.report.name.replace(/[^\w.-]+/g, '_')}.${format}`;
    if (format === 'svg') {
      this.host.post({ type: 'export', format, data: svg, name });
      return;
    }
    try {
      this.host.post({ type: 'export', format, data: await svgToPng(svg), name });
    } catch (e) {
      this.showToast(`PNG export failed: ${(e as Error).message}`);
    }
  }

  // ---- persistence
  private rememberViewport(vp: Viewport): void {
    const c = this.cur;
    if (!c || this.shownKey !== c.key) return;
    this.states[c.key]!.viewport = vp;
    this.save();
  }

  private save(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.host.setState({ view: this.view === 'training' ? 'graph' : this.view, models: this.states } satisfies Saved), 300);
  }
}

/** The runtime's ProfileResult (protocol/worker.ts), read defensively. */
function measuredLatency(r: unknown): MeasuredLatency | undefined {
  if (typeof r !== 'object' || r === null) return undefined;
  const o = r as Record<string, unknown>;
  const nums = (x: unknown) => (Array.isArray(x) && x.every((v) => typeof v === 'number') ? (x as number[]) : undefined);
  const batchSizes = nums(o.batchSizes);
  const totalMs = nums(o.totalMs);
  if (!batchSizes || !totalMs || typeof o.model !== 'string') return undefined;
  const byLayer = new Map<number, number[]>();
  for (const l of Array.isArray(o.layers) ? o.layers : []) {
    const row = l as Record<string, unknown>;
    const ms = nums(row.ms);
    if (typeof row.layerIndex === 'number' && ms) byLayer.set(row.layerIndex, ms);
  }
  return { model: o.model, backend: String(o.backend ?? ''), batchSizes, totalMs, byLayer };
}

/** The part of a visible graph that a partial geometry (the top of the drawing) has placed. */
function drawnPart(v: VisibleGraph, g: Geometry): VisibleGraph {
  return { items: v.items.filter((it) => g.items[it.id]), frames: v.frames.filter((f) => g.frames[f.id]), edges: v.edges.filter((e) => g.edges[e.id]) };
}

/** A model's entry in the picker: its builder's name, and for a variant its conditions. */
export function modelId(r: { name: string; variant?: { label: string } }): string {
  return r.variant ? `${r.name} [${r.variant.label}]` : r.name;
}
