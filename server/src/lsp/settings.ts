/** The `convlens.*` settings the server reads; their types, defaults and ranges are in protocol/settings.ts. */
import type { Severity } from '../engine';
import { RULE_SEVERITIES, settingValue } from '../../../protocol/settings';

export type RuleSeverity = Severity | 'off';

export interface ServerSettings {
  inlayHints: { enabled: boolean; shape: boolean; params: boolean; macs: boolean };
  hover: { enabled: boolean };
  codeLens: { enabled: boolean };
  diagnostics: { enabled: boolean };
  advice: { enabled: boolean; severity: Record<string, RuleSeverity>; gapHeadMinParams: number };
  analysis: { maxSteps: number; debounceMs: number; timeoutMs: number };
}

/** What the client sent, read key by key (wrong types give the default, numbers are clamped). */
export function readSettings(raw: unknown): ServerSettings {
  const sev: Record<string, RuleSeverity> = {};
  for (const [k, v] of Object.entries(settingValue(raw, 'advice.severity')))
    if ((RULE_SEVERITIES as readonly unknown[]).includes(v)) sev[k] = v as RuleSeverity;
  return {
    inlayHints: {
      enabled: settingValue(raw, 'inlayHints.enabled'),
      shape: settingValue(raw, 'inlayHints.shape'),
      params: settingValue(raw, 'inlayHints.params'),
      macs: settingValue(raw, 'inlayHints.macs'),
    },
    hover: { enabled: settingValue(raw, 'hover.enabled') },
    codeLens: { enabled: settingValue(raw, 'codeLens.enabled') },
    diagnostics: { enabled: settingValue(raw, 'diagnostics.enabled') },
    advice: { enabled: settingValue(raw, 'advice.enabled'), severity: sev, gapHeadMinParams: settingValue(raw, 'advice.gapHeadMinParams') },
    analysis: {
      maxSteps: settingValue(raw, 'analysis.maxSteps'),
      debounceMs: settingValue(raw, 'analysis.debounceMs'),
      timeoutMs: settingValue(raw, 'analysis.timeoutMs'),
    },
  };
}

export const DEFAULT_SETTINGS: ServerSettings = readSettings(undefined);
