/**
 * The profile table: one row per layer, sortable by any column, a totals row, an inline bar of
 * each layer's parameters (relative to the largest layer), copy as Markdown or CSV. Rows are
 * written as one HTML string (5,000 rows stay fast); clicks are delegated.
 */
import type { ModelReport } from '../../../server/src/engine/report/types';
import { COLUMNS, TABLE_COLUMNS, sortedRows, toCsv, toMarkdown, totals, type ColumnKey, type SortState } from './table_data';

export interface ProfileEvents {
  reveal(layerIndex: number): void;
  copy(text: string, what: string): void;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Measured forward latency from the runtime worker (Profile Model in a trusted workspace). */
export interface MeasuredLatency {
  model: string;
  backend: string;
  batchSizes: number[];
  totalMs: number[];
  /** Median ms per batch size, by index into the report's layers. */
  byLayer: Map<number, number[]>;
}

export class ProfileView {
  readonly root: HTMLDivElement;
  private report: ModelReport | undefined;
  private latency: MeasuredLatency | undefined;
  private sort: SortState = { key: 'index', dir: 1 };
  private order: number[] = [];
  private cursor = new Set<number>();
  private selected: number | undefined;

  constructor(private readonly events: ProfileEvents) {
    this.root = document.createElement('div');
    this.root.className = 'profile-view';
    this.root.addEventListener('click', (e) => {
      const t = e.target as Element;
      const head = t.closest('[data-sort]');
      if (head) return this.sortBy(head.getAttribute('data-sort') as ColumnKey);
      const row = t.closest('tr[data-layer-index]');
      if (row) {
        const i = Number(row.getAttribute('data-layer-index'));
        this.select(i);
        this.events.reveal(i);
      }
    });
    this.root.addEventListener('keydown', (e) => {
      const row = (e.target as Element).closest('tr[data-layer-index]');
      if (row && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        (row as HTMLElement).click();
      }
    });
  }

  show(report: ModelReport): void {
    this.report = report;
    this.render();
  }

  /** Measured latency arrived (or was cleared): add or drop its column. */
  setLatency(latency: MeasuredLatency | undefined): void {
    this.latency = latency;
    this.render();
  }

  sortBy(key: ColumnKey): void {
    // Numbers sort largest first on the first click: that is the question people ask.
    const col = COLUMNS.find((c) => c.key === key)!;
    this.sort = this.sort.key === key ? { key, dir: this.sort.dir === 1 ? -1 : 1 } : { key, dir: col.numeric && key !== 'index' ? -1 : 1 };
    this.render();
  }

  get sortState(): SortState {
    return { ...this.sort };
  }

  markdown(): string {
    return this.report ? toMarkdown(this.report, this.order) : '';
  }

  csv(): string {
    return this.report ? toCsv(this.report, this.order) : '';
  }

  copy(format: 'markdown' | 'csv'): void {
    if (!this.report) return;
    this.events.copy(format === 'markdown' ? this.markdown() : this.csv(), `the profile of ${this.report.name} as ${format === 'markdown' ? 'Markdown' : 'CSV'}`);
  }

  markCursor(layers: Iterable<number>): void {
    for (const i of this.cursor) this.row(i)?.classList.remove('cursor');
    this.cursor = new Set(layers);
    for (const i of this.cursor) this.row(i)?.classList.add('cursor');
    const first = [...this.cursor][0];
    if (first !== undefined) this.row(first)?.scrollIntoView({ block: 'nearest' });
  }

  select(i: number | undefined): void {
    if (this.selected !== undefined) this.row(this.selected)?.classList.remove('selected');
    this.selected = i;
    if (i !== undefined) this.row(i)?.classList.add('selected');
  }

  private row(i: number): Element | null {
    return this.root.querySelector(`tr[data-layer-index="${i}"]`);
  }

  private render(): void {
    const r = this.report;
    if (!r) return;
    this.order = sortedRows(r, this.sort);
    const maxParams = Math.max(1, ...r.layers.map((l) => l.params ?? 0));
    const lat = this.latency && this.latency.model === r.name ? this.latency : undefined;
    const latHead = lat ? `<th class="num c-latency" title="Median forward time of the layer alone on ${esc(lat.backend)}">Measured ms (batch ${lat.batchSizes.join(' / ')})</th>` : '';
    const latCell = (i: number) => {
      if (!lat) return '';
      const ms = lat.byLayer.get(i);
      return `<td class="num c-latency">${ms ? ms.map((x) => (x < 0.1 ? x.toFixed(3) : x.toFixed(2))).join(' / ') : ''}</td>`;
    };
    const head = TABLE_COLUMNS.map((c) => {
      const active = c.key === this.sort.key;
      const aria = active ? ` aria-sort="${this.sort.dir === 1 ? 'ascending' : 'descending'}"` : '';
      const arrow = active ? (this.sort.dir === 1 ? ' ▲' : ' ▼') : '';
      return `<th class="${c.numeric ? 'num' : ''} c-${c.key}"${aria}><button type="button" data-sort="${c.key}">${esc(c.title)}${arrow}</button></th>`;
    }).join('');
    const rows: string[] = [];
    for (const i of this.order) {
      const l = r.layers[i]!;
      const cls = [`f-${l.family}`, l.error ? 'err' : '', this.cursor.has(i) ? 'cursor' : '', this.selected === i ? 'selected' : ''].filter(Boolean).join(' ');
      const cells = TABLE_COLUMNS.map((c) => {
        const text = esc(c.text(l, i, r));
        if (c.key === 'type') return `<td class="c-type"><span class="fam-dot f-${l.family}"></span>${text}</td>`;
        if (c.key === 'share') {
          const w = l.params ? Math.max(0.5, (100 * l.params) / maxParams) : 0;
          return `<td class="num c-share"><svg class="share-bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true"><rect width="${w.toFixed(2)}" height="8" rx="1"/></svg>${text}</td>`;
        }
        return `<td class="${c.numeric ? 'num ' : ''}c-${c.key}">${text}</td>`;
      }).join('');
      const title = l.error ? ` title="${esc(l.error)}"` : '';
      rows.push(`<tr data-layer-index="${i}" class="${cls}" tabindex="-1"${title}>${cells}${latCell(i)}</tr>`);
    }
    const t = totals(r);
    const foot = TABLE_COLUMNS.map((c) => {
      const v = c.key === 'name' ? `Total (${r.layers.length} layers)` : c.key === 'params' ? t.params : c.key === 'share' ? t.share : c.key === 'macs' ? t.macs : c.key === 'memory' ? t.memory : '';
      return `<td class="${c.numeric ? 'num ' : ''}c-${c.key}">${esc(v)}</td>`;
    }).join('');
    const latFoot = lat ? `<td class="num c-latency">${lat.totalMs.map((x) => x.toFixed(1)).join(' / ')} end to end</td>` : '';
    const measured = lat
      ? `<p class="measured">Measured on ${esc(lat.backend)}: forward pass ${lat.totalMs.map((x, k) => `${x.toFixed(1)} ms at batch ${lat.batchSizes[k]}`).join(', ')} (median).</p>`
      : '';
    this.root.innerHTML = `${measured}<table class="profile"><thead><tr>${head}${latHead}</tr></thead><tbody>${rows.join('')}</tbody><tfoot><tr class="totals">${foot}${latFoot}</tr></tfoot></table>
<p class="note">MACs: multiply-accumulates for batch 1 (FLOPs ≈ 2 × MACs). Activation memory: float32 output of each layer, batch 1. Receptive field along the largest path.</p>`;
  }
}
