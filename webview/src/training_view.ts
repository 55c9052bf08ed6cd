/**
 * The Training tab, reserved for the runtime issue: the tab stays hidden until the first training
 * event arrives; until the real view lands, events are listed as JSON lines.
 */
export class TrainingView {
  readonly root: HTMLDivElement;
  private events: unknown[] = [];
  private pre: HTMLPreElement;

  constructor() {
    this.root = document.createElement('div');
    this.root.className = 'training-view';
    this.pre = document.createElement('pre');
    this.pre.className = 'events';
    this.root.append(this.pre);
  }

  get count(): number {
    return this.events.length;
  }

  add(event: unknown): void {
    this.events.push(event);
    renderTraining(this.pre, this.events);
  }
}

/** Placeholder renderer: one JSON line per event (textContent, never markup). */
export function renderTraining(target: HTMLElement, events: unknown[]): void {
  target.textContent = events.map((e) => safeJson(e)).join('\n');
}

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}
