/**
 * The file's own helpers, for block insertion: a block is written with the helper the file
 * already has (`denseBlock(x, blocks, name)` in a DenseNet file) when its parameters can be filled
 * from ours; else with ConvLens's helper under a name the file does not use yet. And what the
 * file's TypeScript needs so an inserted call type-checks (the tensor cast, a type import).
 */
import ts from 'typescript';
import type { CodeStyle } from '../edit/style';
import type { OffsetEdit } from '../edit/edits';
import type { Helper } from './templates';

/** Names a file gives the helper of each block (ours first). */
const SAME_HELPER: Record<string, string[]> = {
  inceptionBlock: ['inceptionBlock', 'inceptionModule', 'inception'],
  residualBlock: ['residualBlock', 'resBlock', 'basicBlock'],
  bottleneckBlock: ['bottleneckBlock', 'bottleneck'],
  denseBlock: ['denseBlock'],
  transitionBlock: ['transitionBlock', 'transitionLayer', 'transition'],
  vggBlock: ['vggBlock'],
};

/** Parameter names meaning the same as ours. */
const SYNONYMS: Record<string, string[]> = {
  filters: ['filters', 'channels', 'numFilters', 'outChannels', 'units'],
  strides: ['strides', 'stride'],
  depth: ['depth', 'blocks', 'numLayers', 'nLayers', 'layers', 'repetitions', 'count'],
  growthRate: ['growthRate', 'growth', 'k'],
  compression: ['compression', 'reduction', 'theta'],
  convs: ['convs', 'numConvs', 'nConvs', 'repeats'],
  expansion: ['expansion'],
};

const TENSOR_PARAM = /^(x|input|inputs|inp|tensor|t|h|prev|features?)$/i;
const NAME_PARAM = /^(name|prefix|id|label|scope|tag|blockName)$/i;

/** How one of our helpers is called in this file. */
export interface HelperUse {
  /** The function called. */
  name: string;
  /** Source to insert (ConvLens's helper), or none (the file's, or ours already there). */
  code?: string;
  /** The file's own helper, called with its parameters filled from ours. */
  reused: boolean;
  /** Every value of ours reaches the call (the title's numbers hold). */
  complete: boolean;
  /** The call on `input` with our argument values (`undefined`: our default). */
  call(input: string, args: (number | undefined)[]): string;
}

interface FileFunction {
  name: string;
  params: readonly ts.ParameterDeclaration[];
}

const functionsCache = new WeakMap<ts.SourceFile, Map<string, FileFunction>>();
const namesCache = new WeakMap<ts.SourceFile, Set<string>>();

/** Top-level functions (declarations and `const f = (...) =>`), by name. */
function fileFunctions(sf: ts.SourceFile): Map<string, FileFunction> {
  const cached = functionsCache.get(sf);
  if (cached) return cached;
  const out = new Map<string, FileFunction>();
  functionsCache.set(sf, out);
  for (const s of sf.statements) {
    if (ts.isFunctionDeclaration(s) && s.name) out.set(s.name.text, { name: s.name.text, params: s.parameters });
    if (ts.isVariableStatement(s))
      for (const d of s.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer)))
          out.set(d.name.text, { name: d.name.text, params: d.initializer.parameters });
  }
  return out;
}

/** Every name declared at the top level, and every identifier used (a new helper must not shadow one). */
function usedNames(sf: ts.SourceFile): Set<string> {
  const cached = namesCache.get(sf);
  if (cached) return cached;
  const out = new Set<string>();
  namesCache.set(sf, out);
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) out.add(n.text);
    n.forEachChild(visit);
  };
  visit(sf);
  return out;
}

/** One plan's view of the file's helpers (make one per inserted block: names it picks are its own). */
export class FileHelpers {
  private readonly functions: Map<string, FileFunction>;
  private readonly names: Set<string>;
  private readonly tensorTypes: Set<string>;
  private readonly strings = new Set<string>();

  constructor(private readonly sf: ts.SourceFile, private readonly style: CodeStyle) {
    this.functions = fileFunctions(sf);
    this.names = new Set(usedNames(sf));
    this.tensorTypes = new Set([style.tensorType, ...style.tensorAliases].filter((x): x is string => !!x));
  }

  /**
   * How to call `ours`: `reuse` allows the file's own helper of the same block; ours is written
   * (renamed when its name is taken by something else) when the file's cannot be filled in.
   */
  use(ours: Helper, reuse: boolean): HelperUse {
    const own = (name: string, code: string | undefined): HelperUse => ({
      name, code, reused: false, complete: true,
      call: (input, args) => `${name}(${[input, ...trimUndefined(args).map((a) => String(a ?? 'undefined'))].join(', ')})`,
    });
    const same = this.functions.get(ours.name);
    if (same && this.exact(same, ours)) return own(ours.name, undefined);
    if (reuse) {
      for (const name of SAME_HELPER[ours.name] ?? []) {
        const f = this.functions.get(name);
        const fill = f && this.fill(f, ours);
        if (fill) return { name, reused: true, complete: fill.complete, call: fill.call };
      }
    }
    let name = ours.name;
    for (let i = 2; this.names.has(name); i++) name = `${ours.name}${i}`;
    this.names.add(name);
    return own(name, name === ours.name ? ours.code : ours.code.replace(`function ${ours.name}(`, `function ${name}(`));
  }

  /** The file declares exactly our helper (inserted before): same parameter names in order. */
  private exact(f: FileFunction, ours: Helper): boolean {
    const names = f.params.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
    return names.length === ours.params.length + 1 && ours.params.every((p, i) => names[i + 1] === p);
  }

  /** Our values in the file helper's parameters, or undefined when one of its parameters means nothing to us. */
  private fill(f: FileFunction, ours: Helper): { complete: boolean; call: HelperUse['call'] } | undefined {
    const [first, ...rest] = f.params;
    if (!first || !ts.isIdentifier(first.name) || first.dotDotDotToken) return undefined;
    const firstType = first.type?.getText(this.sf);
    if (!(firstType ? this.tensorTypes.has(firstType) : TENSOR_PARAM.test(first.name.text))) return undefined;
    type Slot = { ours: number } | { name: true } | { skip: true };
    const slots: Slot[] = [];
    for (const p of rest) {
      if (!ts.isIdentifier(p.name) || p.dotDotDotToken) return undefined;
      const nm = p.name.text;
      const i = ours.params.findIndex((o) => o === nm || SYNONYMS[o]?.includes(nm));
      if (i >= 0) slots.push({ ours: i });
      else if (p.initializer || p.questionToken) slots.push({ skip: true });
      else if (p.type?.getText(this.sf) === 'string' || (!p.type && NAME_PARAM.test(nm))) slots.push({ name: true });
      else return undefined;
    }
    const used = new Set(slots.flatMap((s) => ('ours' in s ? [s.ours] : [])));
    const base = ours.name.replace(/Block$/, '');
    return {
      complete: ours.params.every((_, i) => used.has(i)),
      call: (input, args) => {
        const texts = slots.map((s) => {
          if ('ours' in s) return String(args[s.ours] ?? ours.defaults?.[ours.params[s.ours]!] ?? 'undefined');
          if ('name' in s) return this.freshString(`${base}_inserted`);
          return undefined;
        });
        return `${f.name}(${[input, ...trimUndefined(texts).map((t) => t ?? 'undefined')].join(', ')})`;
      },
    };
  }

  /** A string literal no other name in the file uses (tfjs layer names must be unique in a model). */
  private freshString(base: string): string {
    let s = base;
    for (let i = 2; this.sf.text.includes(s) || this.strings.has(s); i++) s = `${base}${i}`;
    this.strings.add(s);
    return `${this.style.quote}${s}${this.style.quote}`;
  }

  /**
   * `expr` as an argument of a helper typed `(x: tf.SymbolicTensor, ...)`. `layer.apply(x)` is
   * typed `Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[]`: it gets the cast, and a cast the
   * code already has (`.apply(x) as tf.SymbolicTensor`) moves inside the call with it. Returns the
   * range the call replaces and the argument's text.
   */
  tensorArgument(expr: ts.Expression): { start: number; end: number; text: string } {
    const T = this.style.typescript ? this.style.tensorType : undefined;
    const plain = { start: expr.getStart(this.sf), end: expr.end, text: expr.getText(this.sf) };
    if (!T) return plain;
    let outer: ts.Node = expr;
    while (outer.parent && ts.isParenthesizedExpression(outer.parent)) outer = outer.parent;
    const p = outer.parent;
    if (p && (ts.isAsExpression(p) || ts.isTypeAssertionExpression(p)) && this.tensorTypes.has(p.type.getText(this.sf)))
      return { start: p.getStart(this.sf), end: p.end, text: p.getText(this.sf) };
    if (this.isTensor(expr)) return plain;
    return { ...plain, text: `${plain.text} as ${T}` };
  }

  /** Text of an identifier passed as a tensor, with a cast unless it is declared as one. */
  tensorIdentifier(id: ts.Identifier): string {
    const T = this.style.typescript ? this.style.tensorType : undefined;
    return !T || this.isTensor(id) ? id.text : `${id.text} as ${T}`;
  }

  /** Whether TypeScript types `e` as the symbolic tensor, by what the source says (no type checker). */
  private isTensor(e: ts.Expression): boolean {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (ts.isAsExpression(e) || ts.isTypeAssertionExpression(e)) return this.tensorTypes.has(e.type.getText(this.sf));
    if (ts.isCallExpression(e)) {
      const callee = e.expression.getText(this.sf);
      if (this.style.tf && callee === `${this.style.tf}input`) return true;
      const f = ts.isIdentifier(e.expression) ? this.declaration(e.expression) : undefined;
      return !!f && (ts.isFunctionDeclaration(f) || ts.isArrowFunction(f)) && !!f.type && this.tensorTypes.has(f.type.getText(this.sf));
    }
    if (ts.isIdentifier(e)) {
      const d = this.declaration(e);
      if (!d) return false;
      if ((ts.isVariableDeclaration(d) || ts.isParameter(d)) && d.type) return this.tensorTypes.has(d.type.getText(this.sf));
      if (ts.isVariableDeclaration(d) && d.initializer) return this.isTensor(d.initializer);
    }
    return false;
  }

  /** The nearest declaration of `id` in the scopes around it (variables, parameters, functions). */
  private declaration(id: ts.Identifier): ts.Node | undefined {
    for (let scope: ts.Node | undefined = id.parent; scope; scope = scope.parent) {
      if (ts.isFunctionLike(scope)) for (const p of scope.parameters) if (ts.isIdentifier(p.name) && p.name.text === id.text) return p;
      const statements = ts.isBlock(scope) || ts.isSourceFile(scope) ? scope.statements : undefined;
      for (const s of statements ?? []) {
        if (ts.isFunctionDeclaration(s) && s.name?.text === id.text) return s;
        if (ts.isVariableStatement(s))
          for (const d of s.declarationList.declarations)
            if (ts.isIdentifier(d.name) && d.name.text === id.text) return d.initializer && ts.isArrowFunction(d.initializer) ? d.initializer : d;
      }
      if ((ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer))
        for (const d of scope.initializer.declarations) if (ts.isIdentifier(d.name) && d.name.text === id.text) return d;
    }
    return undefined;
  }
}

function trimUndefined<T>(xs: (T | undefined)[]): (T | undefined)[] {
  let n = xs.length;
  while (n > 0 && xs[n - 1] === undefined) n--;
  return xs.slice(0, n);
}

/**
 * A TypeScript file that imports tfjs by name but not its SymbolicTensor type: the helpers' typed
 * parameters need it (untyped ones are implicit `any`, an error under `strict`). Returns the import
 * to add and the style that names the type, or nothing when no import is needed or possible.
 */
export function tensorTypeImport(sf: ts.SourceFile, style: CodeStyle): { style: CodeStyle; edit: OffsetEdit } | undefined {
  if (!style.typescript || style.tensorType) return undefined;
  const imports = sf.statements.filter(ts.isImportDeclaration);
  const tfjs = imports.find((s) => ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text.startsWith('@tensorflow/tfjs'));
  if (!tfjs || usedNames(sf).has('SymbolicTensor')) return undefined;
  const last = imports[imports.length - 1]!;
  const mod = (tfjs.moduleSpecifier as ts.StringLiteral).text;
  const names = style.braceSpacing ? '{ SymbolicTensor }' : '{SymbolicTensor}';
  return {
    style: { ...style, tensorType: 'SymbolicTensor' },
    edit: { start: last.end, end: last.end, newText: `\nimport type ${names} from ${style.quote}${mod}${style.quote}${style.semi}` },
  };
}
