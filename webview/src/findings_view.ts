/**
 * The Findings tab, shown for a saved model file (there is no Problems panel entry to click through
 * to): what the file is, the consistency checks of its weights, and the design advice, each row
 * revealing its layer in the graph.
 */
import type { Diagnostic } from '../../server/src/engine/report/types';
import { h } from './dom';

export interface FindingsEvents {
  /** A row was clicked: show the layer at this range. */
  select(d: Diagnostic): void;
}

const ORDER: Record<Diagnostic['severity'], number> = { error: 0, warning: 1, information: 2, hint: 3 };

export class FindingsView {
  readonly root = h('div', { class: 'findings' });
  constructor(private readonly events: FindingsEvents) {}

  show(source: string | undefined, diagnostics: Diagnostic[]): void {
    const rows = [...diagnostics].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.range.start.line - b.range.start.line);
    const list = h('ul', { class: 'findings-list' });
    for (const d of rows) {
      const li = h('li', { class: `finding sev-${d.severity}`, tabindex: '0', role: 'button', title: 'Show this layer in the graph' },
        h('span', { class: 'sev', text: d.severity }), h('span', { class: 'msg', text: d.message }), h('code', { class: 'code', text: d.code }));
      li.addEventListener('click', () => this.events.select(d));
      li.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') this.events.select(d);
      });
      list.append(li);
    }
    this.root.replaceChildren(
      ...(source ? [h('p', { class: 'source', text: source })] : []),
      rows.length ? list : h('p', { class: 'empty', text: 'No findings: the weights manifest fits the topology and no design rule fired.' }),
    );
  }
}
