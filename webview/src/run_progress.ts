/**
 * The bar above the Profile table while measured latency is being taken (a run of the worker can
 * take a while on a big model): what runs now, how far it is, and a Cancel button. Fed the
 * worker's events (protocol/worker.ts), read defensively like the Training view reads them.
 */
import { h } from './dom';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null;

export class RunProgress {
  readonly root = h('div', { class: 'run-progress', hidden: true, role: 'status', 'aria-live': 'polite' });
  private readonly label = h('span', { class: 'run-label' });
  private readonly bar = h('progress', { class: 'run-bar', max: '1' });
  private readonly cancel = h('button', { type: 'button', class: 'run-cancel', text: 'Cancel', title: 'Stop measuring (the static table stays)' });
  private backend = '';
  private running = false;

  constructor(onCancel: () => void) {
    this.cancel.addEventListener('click', () => {
      this.cancel.disabled = true;
      this.label.textContent = 'Cancelling…';
      onCancel();
    });
    this.root.append(this.label, this.bar, this.cancel);
  }

  get active(): boolean {
    return this.running;
  }

  /** One worker event of a profile run. */
  add(e: unknown): void {
    if (!isObj(e)) return;
    switch (e.type) {
      case 'started':
        this.running = true;
        this.backend = '';
        this.cancel.disabled = false;
        this.cancel.hidden = false;
        this.root.hidden = false;
        this.bar.hidden = false;
        this.root.classList.remove('failed');
        this.show('Measuring latency: starting the worker…');
        break;
      case 'backend':
        this.backend = typeof e.backend === 'string' ? e.backend : '';
        this.show('Measuring latency: loading the model…');
        break;
      case 'phase':
        if (typeof e.message === 'string') this.show(`Measuring latency: ${e.message}`);
        break;
      case 'progress':
        if (typeof e.message === 'string' && typeof e.done === 'number' && typeof e.total === 'number' && e.total > 0) this.show(`Measuring latency: ${e.message}`, e.done / e.total);
        break;
      case 'error': {
        const err = isObj(e.error) && typeof e.error.message === 'string' ? e.error.message : 'the worker failed';
        this.finish(`Measured latency unavailable: ${err}`, true);
        break;
      }
      case 'exit':
        if (e.reason === 'done') this.finish('');
        else if (e.reason === 'cancelled') this.finish('Measuring cancelled.');
        else if (!this.root.classList.contains('failed')) this.finish(`Measured latency unavailable: the worker stopped (${String(e.reason)}).`, true);
        break;
    }
  }

  private show(text: string, fraction?: number): void {
    this.label.textContent = this.backend ? `${text} · ${this.backend}` : text;
    if (fraction === undefined) this.bar.removeAttribute('value');
    else this.bar.value = Math.min(1, Math.max(0, fraction));
  }

  /** The run ended: hide the bar, or leave a line saying why there is no measurement. */
  private finish(text: string, failed = false): void {
    this.running = false;
    this.cancel.hidden = true;
    this.root.classList.toggle('failed', failed);
    this.label.textContent = text;
    this.bar.hidden = true;
    this.root.hidden = !text;
  }
}
