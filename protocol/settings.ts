/**
 * Every `convlens.*` setting: its type, default and range, written once. package.json's
 * `contributes.configuration` must say the same (test/unit/manifest.test.ts holds them together);
 * the server (server/src/lsp/settings.ts) and the client (client/src/training.ts) read values
 * through `settingValue`, which keeps a value in range by clamping it, never by replacing it.
 */
export interface SettingSpec {
  type: 'boolean' | 'number' | 'string' | 'object';
  default: boolean | number | string | Record<string, never>;
  minimum?: number;
  maximum?: number;
  enum?: readonly string[];
}

/** Keys without the `convlens.` prefix. */
export const SETTINGS = {
  'inlayHints.enabled': { type: 'boolean', default: true },
  'inlayHints.shape': { type: 'boolean', default: true },
  'inlayHints.params': { type: 'boolean', default: true },
  'inlayHints.macs': { type: 'boolean', default: false },
  'hover.enabled': { type: 'boolean', default: true },
  'codeLens.enabled': { type: 'boolean', default: true },
  'diagnostics.enabled': { type: 'boolean', default: true },
  'advice.enabled': { type: 'boolean', default: true },
  'advice.severity': { type: 'object', default: {} },
  'advice.gapHeadMinParams': { type: 'number', default: 1_000_000, minimum: 0 },
  'analysis.maxSteps': { type: 'number', default: 2_000_000, minimum: 10_000 },
  'analysis.debounceMs': { type: 'number', default: 150, minimum: 0 },
  'analysis.timeoutMs': { type: 'number', default: 10_000, minimum: 500 },
  'training.backend': { type: 'string', default: 'auto', enum: ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] },
  'training.steps': { type: 'number', default: 50, minimum: 1, maximum: 10_000 },
  'training.timeoutSeconds': { type: 'number', default: 120, minimum: 5 },
  'training.memoryMB': { type: 'number', default: 4096, minimum: 256 },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;
type ValueOf<K extends SettingKey> = (typeof SETTINGS)[K]['default'] extends boolean
  ? boolean
  : (typeof SETTINGS)[K]['default'] extends number
    ? number
    : (typeof SETTINGS)[K]['default'] extends string
      ? string
      : Record<string, unknown>;

/** The severities a rule can be set to in `convlens.advice.severity`. */
export const RULE_SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'] as const;

/**
 * A setting's value from what VS Code sent (nested: `{ analysis: { debounceMs: 0 } }`, or flat
 * dotted keys): a value of the wrong type (or not in the enum) gives the default; a number out of
 * range is clamped into it.
 */
export function settingValue<K extends SettingKey>(raw: unknown, key: K): ValueOf<K> {
  const spec: SettingSpec = SETTINGS[key];
  let v: unknown = raw;
  if (raw && typeof raw === 'object' && key in raw) v = (raw as Record<string, unknown>)[key];
  else for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  switch (spec.type) {
    case 'boolean':
      return (typeof v === 'boolean' ? v : spec.default) as ValueOf<K>;
    case 'string':
      return (typeof v === 'string' && (!spec.enum || spec.enum.includes(v)) ? v : spec.default) as ValueOf<K>;
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return spec.default as ValueOf<K>;
      return Math.min(spec.maximum ?? Infinity, Math.max(spec.minimum ?? -Infinity, v)) as ValueOf<K>;
    }
    case 'object':
      return (v && typeof v === 'object' && !Array.isArray(v) ? v : spec.default) as ValueOf<K>;
  }
}
