/** The `convlens.*` settings the server reads (package.json contributes the same keys with docs). */
import type { Severity } from '../engine';

export type RuleSeverity = Severity | 'off';

export interface ServerSettings {
  inlayHints: { enabled: boolean; shape: boolean; params: boolean; macs: boolean };
  hover: { enabled: boolean };
  codeLens: { enabled: boolean };
  diagnostics: { enabled: boolean };
  advice: { enabled: boolean; severity: Record<string, RuleSeverity>; gapHeadMinParams: number };
  analysis: { maxSteps: number; debounceMs: number; timeoutMs: number };
}

export const DEFAULT_SETTINGS: ServerSettings = {
  inlayHints: { enabled: true, shape: true, params: true, macs: false },
  hover: { enabled: true },
  codeLens: { enabled: true },
  diagnostics: { enabled: true },
  advice: { enabled: true, severity: {}, gapHeadMinParams: 1_000_000 },
  analysis: { maxSteps: 2_000_000, debounceMs: 150, timeoutMs: 10_000 },
};

/** Merge what the client sent over the defaults, ignoring anything of the wrong type. */
export function readSettings(raw: unknown): ServerSettings {
  const r = (raw ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const bool = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
  const num = (v: unknown, d: number) => (typeof v === 'number' && isFinite(v) && v > 0 ? v : d);
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
    advice: {
      enabled: bool(r.advice?.enabled, d.advice.enabled),
      severity: sev,
      // 0 is a meaningful threshold here (fire on any head): num() only takes positive numbers.
      gapHeadMinParams: typeof r.advice?.gapHeadMinParams === 'number' && r.advice.gapHeadMinParams >= 0 ? r.advice.gapHeadMinParams : d.advice.gapHeadMinParams,
    },
    analysis: {
      maxSteps: num(r.analysis?.maxSteps, d.analysis.maxSteps),
      debounceMs: num(r.analysis?.debounceMs, d.analysis.debounceMs),
      timeoutMs: num(r.analysis?.timeoutMs, d.analysis.timeoutMs),
    },
  };
}
