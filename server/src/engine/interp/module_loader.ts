/** import / export / require: local modules through the host, packages through the resolver. */
import ts from 'typescript';
import { Unknown, isUnknown } from '../unknown';
import type { Scope } from './scope';
import { ModuleRecord, isJsonModulePath, isRelativeSpecifier, resolveRelative, unresolvedImportMessage } from './modules';
import { HostObject, fromPlain, type Value } from './values';
import type { Interp } from './api';
import type { Interpreter } from './interpreter';
import { SK_DefaultKeyword, SK_ExportKeyword, bindingNames, dummyNode } from './syntax';
import { getProperty } from './properties';

export function execImport(ip: Interpreter, s: ts.ImportDeclaration, scope: Scope, rec: ModuleRecord): void {
  if (!ts.isStringLiteral(s.moduleSpecifier)) return;
  const spec = s.moduleSpecifier.text;
  const clause = s.importClause;
  if (!clause) {
    importTarget(ip, spec, rec, s); // side-effect import
    return;
  }
  const target = importTarget(ip, spec, rec, s);
  if (clause.name) scope.declare(clause.name.text, importedName(ip, target, 'default', spec), true);
  const nb = clause.namedBindings;
  if (!nb) return;
  if (ts.isNamespaceImport(nb)) scope.declare(nb.name.text, namespaceOf(ip, target), true);
  else
    for (const el of nb.elements) {
      const imported = (el.propertyName ?? el.name).text;
      scope.declare(el.name.text, importedName(ip, target, imported, spec), true);
    }
}

/** A package namespace value, a local module, or Unknown. */
export function importTarget(ip: Interpreter, spec: string, rec: ModuleRecord, node: ts.Node): Value | ModuleRecord {
  if (isRelativeSpecifier(spec)) {
    const found = resolveRelative(rec.path, spec, ip.host);
    if (!found) {
      ip.reportAt(node, rec, 'warning', 'unresolved-import', unresolvedImportMessage(rec.path, spec, ip.host));
      return new Unknown(`module '${spec}' not found`);
    }
    if (isJsonModulePath(found.path)) return jsonModule(ip, found.path, found.text, rec, node);
    const existing = ip.module(found.path);
    if (existing) return existing; // evaluating (cycle) or done
    return ip.loadNested(found.path, found.text);
  }
  const pkg = ip.resolvePackage(spec);
  return pkg !== undefined ? pkg : new Unknown(`package '${spec}' is not modelled`);
}

/** Each interpreter's JSON modules by path: every import of one file gets the same object, as Node's module cache gives. */
const jsonModules = new WeakMap<Interpreter, Map<string, Value>>();

/** A local `.json` import: the parsed data (default export, `require` value, and its keys as named exports). */
function jsonModule(ip: Interpreter, path: string, text: string, rec: ModuleRecord, node: ts.Node): Value {
  let byPath = jsonModules.get(ip);
  if (!byPath) jsonModules.set(ip, (byPath = new Map()));
  if (byPath.has(path)) return byPath.get(path);
  let v: Value;
  try {
    v = fromPlain(JSON.parse(text.replace(/^\uFEFF/, '')));
  } catch (e) {
    ip.reportAt(node, rec, 'warning', 'unresolved-import', `'${path.split('/').pop()}' is not valid JSON (${(e as Error).message}): loading it throws SyntaxError; its values are unknown`);
    v = new Unknown(`'${path.split('/').pop()}' is not valid JSON`);
  }
  byPath.set(path, v);
  return v;
}

function importedName(ip: Interpreter, target: Value | ModuleRecord, name: string, spec: string): Value {
  if (target instanceof ModuleRecord) return readExport(target, name, new Set());
  if (name === 'default') {
    // `import tf from '@tensorflow/tfjs'` works with esModuleInterop: the namespace itself.
    if (target instanceof HostObject) {
      const d = target.getProperty(ip, 'default', dummyNode);
      return d === undefined || isUnknown(d) ? target : d;
    }
    return target;
  }
  return getProperty(ip, target, name, undefined, `'${spec}'`);
}

function namespaceOf(_ip: Interpreter, target: Value | ModuleRecord): Value {
  if (!(target instanceof ModuleRecord)) return target;
  return new ModuleNamespace(target);
}

export function readExport(m: ModuleRecord, name: string, seen: Set<ModuleRecord>): Value {
  if (seen.has(m)) return undefined;
  seen.add(m);
  const b = m.exports.get(name);
  if (b) {
    if (b.kind === 'local') return m.scope.lookup(b.local)?.value;
    if (b.kind === 'value') return b.value;
    if (!b.from) return new Unknown(`re-export '${name}' not found`);
    if (b.name === '*') return new ModuleNamespace(b.from);
    return readExport(b.from, b.name, seen);
  }
  if (name !== 'default')
    for (const star of m.starExports) {
      const v = readExport(star, name, seen);
      if (v !== undefined) return v;
    }
  if (m.status === 'evaluating') return new Unknown(`'${name}' is read before its module finished loading (import cycle)`);
  return undefined;
}

export function execExportDeclaration(ip: Interpreter, s: ts.ExportDeclaration, rec: ModuleRecord): void {
  if (s.isTypeOnly) return;
  let from: ModuleRecord | undefined;
  if (s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) {
    const t = importTarget(ip, s.moduleSpecifier.text, rec, s);
    if (t instanceof ModuleRecord) from = t;
    else {
      // Re-exporting a package (`export * from '@tensorflow/tfjs'`): expose its values directly.
      if (s.exportClause && ts.isNamedExports(s.exportClause))
        for (const el of s.exportClause.elements)
          rec.exports.set(el.name.text, { kind: 'value', value: getProperty(ip, t, (el.propertyName ?? el.name).text, undefined) });
      else if (s.exportClause && ts.isNamespaceExport(s.exportClause)) rec.exports.set(s.exportClause.name.text, { kind: 'value', value: t });
      return;
    }
  }
  const clause = s.exportClause;
  if (!clause) {
    if (from) rec.starExports.push(from);
    return;
  }
  if (ts.isNamespaceExport(clause)) {
    rec.exports.set(clause.name.text, { kind: 'reexport', from, name: '*' });
    return;
  }
  for (const el of clause.elements) {
    const local = (el.propertyName ?? el.name).text;
    if (s.moduleSpecifier) rec.exports.set(el.name.text, { kind: 'reexport', from, name: local });
    else rec.exports.set(el.name.text, { kind: 'local', local });
  }
}

/** Records `export` on a declaration statement. */
export function exportDeclared(s: ts.Node, name: string | undefined, value: Value, rec: ModuleRecord, scope: Scope): void {
  if (scope !== rec.scope) return;
  const mods = ts.canHaveModifiers(s) ? ts.getModifiers(s) : undefined;
  if (!mods?.some((m) => m.kind === SK_ExportKeyword)) return;
  const isDefault = mods.some((m) => m.kind === SK_DefaultKeyword);
  if (isDefault) rec.exports.set('default', { kind: 'value', value });
  if (name && !isDefault) rec.exports.set(name, { kind: 'local', local: name });
}

/** Collect `export` on hoisted declarations and variable statements of a module (done once). */
export function collectExports(rec: ModuleRecord): void {
  for (const s of rec.sourceFile.statements) {
    const mods = ts.canHaveModifiers(s) ? ts.getModifiers(s) : undefined;
    if (!mods?.some((m) => m.kind === SK_ExportKeyword)) continue;
    const isDefault = mods.some((m) => m.kind === SK_DefaultKeyword);
    if (ts.isFunctionDeclaration(s)) {
      if (isDefault) rec.exports.set('default', { kind: 'local', local: s.name?.text ?? '%default' });
      if (s.name && !isDefault) rec.exports.set(s.name.text, { kind: 'local', local: s.name.text });
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) for (const n of bindingNames(d.name)) rec.exports.set(n, { kind: 'local', local: n });
    } else if (ts.isClassDeclaration(s) && s.name && !isDefault) {
      rec.exports.set(s.name.text, { kind: 'local', local: s.name.text });
    }
  }
}

/** `require('...')` */
export function requireModule(ip: Interpreter, spec: string, rec: ModuleRecord, node: ts.Node): Value {
  const t = importTarget(ip, spec, rec, node);
  if (t instanceof ModuleRecord) {
    const eq = t.exports.get('=');
    if (eq && eq.kind === 'value') return eq.value;
    return new ModuleNamespace(t);
  }
  return t;
}

/** `import * as ns from './local'`: a live view of another module's exports. */
export class ModuleNamespace extends HostObject {
  readonly typeName = 'module';
  constructor(readonly record: ModuleRecord) {
    super();
  }
  getProperty(_interp: Interp, key: string): Value {
    return readExport(this.record, key, new Set());
  }
}
