/** The `convlens.*` settings the server reads (package.json contributes the same keys with docs). */
import type { Severity } from '../engine';

export type RuleSeverity = Severity | 'off';

export interface ServerSettings {
  inlayHints: { enabled: boolean; shape: boolean; params: boolean; macs: boolean };
  hover: { enabled: boolean };
  codeLens: { enabled: boolean };
  diagnostics: { enabled: boolean };
  advice: { enabled: boolean; severity: Record<string, RuleSeverity> };
  analysis: { maxSteps: number; debounceMs: number; timeoutMs: number };
}

export const DEFAULT_SETTINGS: ServerSettings = {
  inlayHints: { enabled: true, shape: true, params: true, macs: false },
  hover: { enabled: true },
  codeLens: { enabled: true },
  diagnostics: { enabled: true },
  advice: { enabled: true, severity: {} },
  analysis: { maxSteps: 2_000_000, debounceMs: 150, timeoutMs: 10_000 },
};

/**
 * Bounds of the numeric settings (package.json declares the same minimum / maximum). A workspace's
 * settings must not make every analysis burn CPU for minutes, and timers take at most 2^31 - 1 ms
 * (a larger timeout fires at once): values outside are clamped. maxSteps and timeoutMs are also
 * restricted in untrusted workspaces (package.json, restrictedConfigurations).
 */
export const SETTING_BOUNDS = {
  'analysis.maxSteps': { minimum: 10_000, maximum: 50_000_000 },
  'analysis.debounceMs': { minimum: 0, maximum: 10_000 },
  'analysis.timeoutMs': { minimum: 500, maximum: 120_000 },
} as const;

/** Merge what the client sent over the defaults, ignoring anything of the wrong type. */
export function readSettings(raw: unknown): ServerSettings {
  const r = (raw ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const bool = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
  const num = (v: unknown, d: number, key: keyof typeof SETTING_BOUNDS) => {
    if (typeof v !== 'number' || !isFinite(v)) return d;
    const { minimum, maximum } = SETTING_BOUNDS[key];
    return Math.min(maximum, Math.max(minimum, v));
  };
  const d = DEFAULT_SETTINGS;
  const sev: Record<string, RuleSeverity> = {};
  const rawSev = r.advice?.severity;
  if (rawSev && typeof rawSev === 'object')
    for (const [k, v] of Object.entries(rawSev)) if (['error', 'warning', 'information', 'hint', 'off'].includes(v as string)) sev[k] = v as RuleSeverity;
  return {
    inlayHints: {
      enabled: bool(r.inlayHints?.enabled, d.inlayHints.enabled),
      shape: bool(r.inlayHints?.shape, d.inlayHints.shape),
      params: bool(r.inlayHints?.params, d.inlayHints.params),
      macs: bool(r.inlayHints?.macs, d.inlayHints.macs),
    },
    hover: { enabled: bool(r.hover?.enabled, d.hover.enabled) },
    codeLens: { enabled: bool(r.codeLens?.enabled, d.codeLens.enabled) },
    diagnostics: { enabled: bool(r.diagnostics?.enabled, d.diagnostics.enabled) },
    advice: { enabled: bool(r.advice?.enabled, d.advice.enabled), severity: sev },
    analysis: {
      maxSteps: num(r.analysis?.maxSteps, d.analysis.maxSteps, 'analysis.maxSteps'),
      debounceMs: num(r.analysis?.debounceMs, d.analysis.debounceMs, 'analysis.debounceMs'),
      timeoutMs: num(r.analysis?.timeoutMs, d.analysis.timeoutMs, 'analysis.timeoutMs'),
    },
  };
}
