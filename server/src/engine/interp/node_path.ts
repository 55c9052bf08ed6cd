/**
 * Node's `path` module as code that finds its files uses it (`path.join(__dirname, 'model',
 * 'model.json')`): join, resolve, dirname, basename and extname on known strings (POSIX, as the
 * engine's paths are); anything unknown stays unknown.
 */
import path from 'node:path';
import { Unknown } from '../unknown';
import { HostObject, NativeFunction, type Value } from './values';
import type { Interpreter } from './interpreter';

const OPS: Record<string, (...xs: string[]) => string> = {
  join: (...xs) => path.posix.join(...xs),
  resolve: (...xs) => path.posix.resolve(...xs),
  dirname: (x) => path.posix.dirname(x),
  basename: (x, ext) => path.posix.basename(x, ext),
  extname: (x) => path.posix.extname(x),
};

export class NodePathModule extends HostObject {
  readonly typeName = 'path';
  private readonly fns = new Map<string, NativeFunction>();
  getProperty(_i: Interpreter, key: string): Value {
    if (key === 'default' || key === 'posix') return this;
    if (key === 'sep') return '/';
    const op = OPS[key];
    if (!op) return new Unknown(`path.${key} is not modelled`);
    let f = this.fns.get(key);
    if (!f) {
      f = new NativeFunction(`path.${key}`, (_i2, _t, args) => {
        const strs = args.map((a) => (typeof a === 'string' ? a.replace(/\\/g, '/') : undefined));
        if (strs.some((x) => x === undefined)) return new Unknown(`path.${key} of a value that is not a known string`);
        // Relative to the directory the program runs in, which the analysis does not know.
        if (key === 'resolve' && !strs.some((x) => x!.startsWith('/'))) return new Unknown('path.resolve of relative paths depends on the working directory');
        return op(...(strs as string[]));
      });
      this.fns.set(key, f);
    }
    return f;
  }
}

export function isNodePathPackage(spec: string): boolean {
  return spec === 'path' || spec === 'node:path' || spec === 'path/posix' || spec === 'node:path/posix';
}
