/**
 * Evaluates the user's model file in the panel's Web Worker from the script panel_bundle.ts made
 * (already part of the worker's own source: no eval, the CSP forbids it). Mirrors user_module.ts:
 * a fresh module table per load, tfjs imports bound to the panel's tfjs, import cycles see partial
 * exports. No Node modules here.
 */

export interface UserModuleDef {
  path: string;
  /** Specifier → module key, or '@tfjs' for the panel's tfjs. */
  deps: Record<string, string>;
  fn: (exports: unknown, require: (id: string) => unknown, module: { exports: unknown }, filename: string, dirname: string) => void;
}

export interface UserBundle {
  entry: string;
  modules: Record<string, UserModuleDef>;
}

export function userBundle(): UserBundle | undefined {
  return (globalThis as { __convlensUser?: UserBundle }).__convlensUser;
}

/** Loads the entry module (with the extra builder export when `extraExport` is given) and returns its exports. */
export function loadBundle(bundle: UserBundle, tf: Record<string, unknown>, extraExport?: string): Record<string, unknown> {
  const cache = new Map<string, { exports: unknown }>();
  const load = (key: string): { exports: unknown } => {
    const cached = cache.get(key);
    if (cached) return cached;
    const def = bundle.modules[key];
    if (!def) throw new Error(`ConvLens's panel bundle has no module ${key}`);
    const module = { exports: {} as unknown };
    cache.set(key, module);
    const require = (id: string): unknown => {
      const to = def.deps[id];
      if (to === '@tfjs') return tf;
      if (to) return load(to).exports;
      throw new Error(`'${id}' cannot be loaded in the panel (only @tensorflow/tfjs and relative imports are bundled)`);
    };
    def.fn.call(module.exports, module.exports, require, module, def.path, def.path.replace(/[\\/][^\\/]*$/, ''));
    return module;
  };
  return load(extraExport ? `${bundle.entry}#builder` : bundle.entry).exports as Record<string, unknown>;
}
