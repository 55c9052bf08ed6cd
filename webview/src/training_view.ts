/**
 * The Training tab: renders the training worker's events (protocol/worker.ts) as they
 * stream — the backend and why the others were not used, each check's verdict, a live loss curve
 * (uPlot), gradient-flow bars per layer at the first and last step (click → the layer's code), and
 * the run's throughput and memory. Events arrive unvalidated beyond `type`; every field is read
 * defensively and text goes through textContent only.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Range } from '../../server/src/engine/report/types';
import { h } from './dom';

export interface TrainingEvents {
  reveal(file: string, range: Range): void;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : typeof x === 'string' && x !== '' && !isNaN(Number(x)) ? Number(x) : undefined);
const str = (x: unknown): string => (typeof x === 'string' ? x : '');
const isRange = (x: unknown): x is Range => isObj(x) && isObj(x.start) && isObj(x.end) && typeof x.start.line === 'number' && typeof x.end.line === 'number';

interface GradRow {
  name: string;
  className: string;
  norm: number;
  flag?: string;
  file?: string;
  range?: Range;
}

const ICON: Record<string, string> = { pass: '✔', fail: '✖', warn: '⚠', skip: '–' };

export class TrainingView {
  readonly root: HTMLDivElement;
  private readonly status = h('div', { class: 'run-status', role: 'status' });
  private readonly backend = h('div', { class: 'run-backend' });
  private readonly verdicts = h('ul', { class: 'verdicts' });
  private readonly chartBox = h('div', { class: 'loss-chart' });
  /** The loss's change since the first step, and where the overfit check passes. */
  private readonly lossNote = h('p', { class: 'loss-note muted' });
  private readonly gradBox = h('div', { class: 'grad-flow' });
  private readonly stats = h('div', { class: 'run-stats' });
  private readonly logs = h('pre', { class: 'run-logs', hidden: true });
  private plot: uPlot | undefined;
  private steps: number[] = [];
  private losses: number[] = [];
  private total = 0;
  /** The overfit check's pass fraction of the first loss (from the `model` event). */
  private lossFraction: number | undefined;
  private model = '';
  private backendName = '';
  private grads: { first?: GradRow[]; last?: GradRow[] } = {};
  private file = '';
  /** Events seen, for tests and for a re-render after the tab is shown. */
  count = 0;

  constructor(private readonly events: TrainingEvents) {
    this.root = h(
      'div',
      { class: 'training-view' },
      this.status,
      this.backend,
      h('h3', { text: 'Checks' }),
      this.verdicts,
      h('h3', { text: 'Loss while overfitting one batch' }),
      this.chartBox,
      this.lossNote,
      h('h3', { text: 'Gradient flow (‖∂loss/∂W‖ per layer, log scale)' }),
      this.gradBox,
      this.stats,
      this.logs,
    );
    this.gradBox.addEventListener('click', (e) => {
      const row = (e.target as Element).closest('[data-grad]');
      if (!row) return;
      const g = [...(this.grads.first ?? []), ...(this.grads.last ?? [])].find((x) => x.name === row.getAttribute('data-grad'));
      if (g?.range) this.events.reveal(g.file ?? this.file, g.range);
    });
    this.reset();
  }

  /** Which run mode the events are from: 'profile' runs feed the Profile view, not this tab. */
  static modeOf(e: unknown): 'check' | 'profile' | undefined {
    return isObj(e) && e.type === 'started' && (e.mode === 'check' || e.mode === 'profile') ? e.mode : undefined;
  }

  private reset(): void {
    this.steps = [];
    this.losses = [];
    this.lossFraction = undefined;
    this.grads = {};
    this.total = 0;
    this.verdicts.replaceChildren();
    this.gradBox.replaceChildren(h('p', { class: 'muted', text: 'Gradient norms appear after the first backward pass.' }));
    this.stats.replaceChildren();
    this.logs.textContent = '';
    this.logs.hidden = true;
    this.backend.replaceChildren();
    this.status.textContent = 'Waiting for the training worker…';
    this.status.className = 'run-status';
    this.drawLoss();
  }

  add(e: unknown): void {
    if (!isObj(e)) return;
    this.count++;
    switch (e.type) {
      case 'started':
        this.reset();
        this.file = str(e.file);
        this.model = str(e.model);
        this.setStatus(`Starting the training worker for ${this.model || 'the model'}…`);
        break;
      case 'backend':
        this.onBackend(e);
        break;
      case 'phase':
        this.setStatus(str(e.message));
        break;
      case 'model':
        this.model = str(e.name) || this.model;
        this.lossFraction = num(e.lossFraction);
        this.stats.replaceChildren(h('p', { text: `${this.model}: ${num(e.params)?.toLocaleString('en-US') ?? '?'} params, batch ${num(e.batchSize) ?? '?'}, loss ${str(e.lossName)}, ${str(e.optimizerName)}${e.compiledByBuilder ? ' (from the builder’s compile)' : ''}` }));
        break;
      case 'step': {
        const s = num(e.step);
        const l = num(e.loss);
        this.total = num(e.total) ?? this.total;
        if (s !== undefined && l !== undefined) {
          this.steps.push(s);
          this.losses.push(l);
          this.drawLoss();
          this.setStatus(`Step ${s} of ${this.total} on ${this.backendName || 'the worker'}: loss ${l.toPrecision(4)}`);
        }
        break;
      }
      case 'check':
        if (isObj(e.check)) this.onCheck(e.check);
        break;
      case 'gradients':
        this.onGradients(e);
        break;
      case 'log':
        this.logs.hidden = false;
        this.logs.textContent += `${str(e.text)}\n`;
        break;
      case 'result':
        if (isObj(e.result)) this.onResult(e.result);
        break;
      case 'error':
        if (isObj(e.error)) this.setStatus(`Stopped (${str(e.error.stage)}): ${str(e.error.message)}`, 'fail');
        break;
      case 'exit':
        if (e.reason !== 'done' && !this.status.classList.contains('fail')) this.setStatus(`The worker ${str(e.reason)}${e.signal ? ` (${str(e.signal)})` : ''}.`, 'fail');
        break;
    }
  }

  private setStatus(text: string, kind?: 'pass' | 'fail'): void {
    this.status.textContent = text;
    this.status.className = `run-status${kind ? ` ${kind}` : ''}`;
  }

  private onBackend(e: Obj): void {
    this.backendName = str(e.backend);
    const attempts = Array.isArray(e.attempts) ? e.attempts.filter(isObj) : [];
    const line = h('p', { class: 'backend-line' }, h('strong', { text: `Backend: ${this.backendName}` }), ` (${str(e.device)}, tfjs ${str(e.tfjsVersion)})`);
    const list = h('ul', { class: 'attempts' });
    for (const a of attempts) {
      if (a.status === 'used' && a.backend === e.backend) continue;
      const fix = str(a.fix);
      list.append(h('li', { class: `attempt ${str(a.status)}` }, h('code', { text: str(a.backend) }), `: ${str(a.reason)}`, fix ? h('span', { class: 'fix', text: ` Fix: ${fix}` }) : null));
    }
    const used = attempts.find((a) => a.status === 'used');
    this.backend.replaceChildren(line, used ? h('p', { class: 'muted', text: str(used.reason) }) : '', list);
  }

  private onCheck(c: Obj): void {
    const status = str(c.status) || (c.passed ? 'pass' : 'fail');
    const li = h('li', { class: `verdict ${status}`, 'data-check': str(c.id) }, h('span', { class: 'icon', text: ICON[status] ?? '•' }), h('strong', { text: str(c.title) || str(c.id) }), h('span', { class: 'message', text: ` ${str(c.message)}` }));
    if (c.blame === 'convlens') li.append(h('span', { class: 'blame', text: ' (a ConvLens bug: please report it)' }));
    const prev = this.verdicts.querySelector(`[data-check="${CSS.escape(str(c.id))}"]`);
    if (prev) prev.replaceWith(li);
    else this.verdicts.append(li);
  }

  private onGradients(e: Obj): void {
    const rows: GradRow[] = (Array.isArray(e.layers) ? e.layers : []).filter(isObj).flatMap((l) => {
      const norm = num(l.norm);
      if (norm === undefined) return [];
      return [{ name: str(l.name), className: str(l.className), norm, flag: str(l.flag) || undefined, file: str(l.file) || undefined, range: isRange(l.range) ? l.range : undefined }];
    });
    if (e.when === 'first') this.grads.first = rows;
    else this.grads.last = rows;
    this.drawGradients();
  }

  private onResult(r: Obj): void {
    const checks = Array.isArray(r.checks) ? r.checks.filter(isObj) : [];
    for (const c of checks) this.onCheck(c);
    const failed = checks.filter((c) => c.status === 'fail').length;
    const ips = num(r.imagesPerSecond);
    this.setStatus(
      `${failed ? `${failed} check${failed > 1 ? 's' : ''} failed` : 'All checks passed'} on ${str(r.backend)} (${str(r.device)})${ips ? ` · ${Math.round(ips)} images/s` : ''}`,
      failed ? 'fail' : 'pass',
    );
    const t = isObj(r.timing) ? r.timing : undefined;
    if (t) {
      const peak = num(t.peakBytes);
      this.stats.append(h('p', { text: `Step ${num(t.stepMs)?.toFixed(1) ?? '?'} ms for a batch of ${num(t.batchSize) ?? '?'} · ${ips ? Math.round(ips) : '?'} images/s · peak tensor memory ${peak !== undefined ? `${(peak / 2 ** 20).toFixed(1)} MiB` : '?'}` }));
    }
  }

  /**
   * The loss curve, created on the first draw with the container's width. Its y-axis starts at 0
   * (an autoscaled axis made 2.30 → 2.28 look like a steep drop) and the overfit check's pass
   * threshold is drawn as a dashed line; the note under it gives the relative change.
   */
  private drawLoss(): void {
    if (!this.steps.length) {
      this.plot?.destroy();
      this.plot = undefined;
      this.chartBox.replaceChildren(h('p', { class: 'muted', text: 'The loss appears here step by step.' }));
      this.lossNote.textContent = '';
      return;
    }
    const first = this.losses[0]!;
    const threshold = this.lossThreshold();
    const data: uPlot.AlignedData = [this.steps, this.losses, this.steps.map(() => threshold ?? null)];
    const last = this.losses[this.losses.length - 1]!;
    const change = first !== 0 ? (last - first) / Math.abs(first) : 0;
    const pct = `${change > 0 ? '+' : change < 0 ? '−' : '±'}${Math.abs(100 * change).toFixed(Math.abs(change) < 0.1 ? 1 : 0)}%`;
    this.lossNote.textContent = `Loss ${first.toPrecision(4)} → ${last.toPrecision(4)} (${pct} since step ${this.steps[0]})${threshold !== undefined ? ` · the check passes below ${threshold.toPrecision(4)} (${Math.round(100 * this.lossFraction!)}% of the first loss)` : ''}`;
    if (this.plot) {
      this.plot.setData(data);
      this.markScale();
      return;
    }
    this.chartBox.replaceChildren();
    const css = getComputedStyle(document.body);
    const fg = css.getPropertyValue('--vscode-foreground').trim() || '#444';
    const line = css.getPropertyValue('--vscode-charts-blue').trim() || '#3b82f6';
    const pass = css.getPropertyValue('--vscode-charts-green').trim() || '#388a34';
    const grid = css.getPropertyValue('--vscode-widget-border').trim() || 'rgba(128,128,128,0.2)';
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    this.plot = new uPlot(
      {
        width: Math.max(320, Math.min(900, this.root.clientWidth - 40 || 640)),
        height: 220,
        scales: {
          x: { time: false },
          // From 0 (or below, for a loss that goes negative) to a little above the highest loss or the threshold.
          y: { range: (_u, lo, hi) => [Math.min(0, lo), Math.max(hi, this.lossThreshold() ?? hi) * 1.05 || 1] },
        },
        axes: [{ ...axis, label: 'step' }, { ...axis, label: 'loss' }],
        series: [
          { label: 'step' },
          { label: 'loss', stroke: line, width: 2, points: { show: this.steps.length < 60 } },
          { label: 'pass below', stroke: pass, width: 1.5, dash: [6, 4], points: { show: false } },
        ],
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
      },
      data,
      this.chartBox,
    );
    this.markScale();
  }

  private lossThreshold(): number | undefined {
    const first = this.losses[0];
    return this.lossFraction !== undefined && first !== undefined && first > 0 ? this.lossFraction * first : undefined;
  }

  /** The y-axis range and threshold as drawn, on the chart element (what the tests read). */
  private markScale(): void {
    const y = this.plot?.scales.y;
    if (!y || y.min === undefined || y.max === undefined || y.min === null || y.max === null) return;
    this.chartBox.dataset.yMin = String(y.min);
    this.chartBox.dataset.yMax = String(y.max);
    const t = this.lossThreshold();
    if (t !== undefined) this.chartBox.dataset.threshold = String(t);
    else delete this.chartBox.dataset.threshold;
  }

  /** Horizontal bars on a log scale, first and last step side by side; flagged layers stand out. */
  private drawGradients(): void {
    const first = this.grads.first ?? [];
    const last = new Map((this.grads.last ?? []).map((g) => [g.name, g]));
    const all = [...first, ...last.values()].map((g) => g.norm).filter((n) => n > 0);
    if (!first.length || !all.length) return;
    const lo = Math.log10(Math.min(...all));
    const hi = Math.log10(Math.max(...all));
    const width = (n: number) => (n <= 0 ? 0 : hi === lo ? 100 : Math.max(1, (100 * (Math.log10(n) - lo)) / (hi - lo)));
    const rows = first.map((g) => {
      const l = last.get(g.name);
      const bar = (n: number | undefined, cls: string) => {
        const b = h('span', { class: `bar ${cls}`, title: n === undefined ? '' : n.toExponential(2) });
        b.style.width = `${n === undefined ? 0 : width(n)}%`;
        return b;
      };
      return h(
        'div',
        { class: `grad-row${g.flag || l?.flag ? ` flagged ${g.flag || l?.flag}` : ''}${g.range ? ' clickable' : ''}`, 'data-grad': g.name, title: g.range ? 'Click to reveal the layer' : '' },
        h('span', { class: 'grad-name', text: `${g.name}` }),
        h('span', { class: 'grad-class muted', text: g.className }),
        h('span', { class: 'grad-bars' }, bar(g.norm, 'first'), bar(l?.norm, 'last')),
        h('span', { class: 'grad-value', text: `${g.norm.toExponential(1)}${l ? ` → ${l.norm.toExponential(1)}` : ''}${g.flag || l?.flag ? ` ${g.flag || l?.flag}` : ''}` }),
      );
    });
    this.gradBox.replaceChildren(
      h('p', { class: 'legend muted' }, h('span', { class: 'swatch first' }), ' first step ', h('span', { class: 'swatch last' }), ' last step · earliest layer at the top'),
      ...rows,
    );
  }
}
