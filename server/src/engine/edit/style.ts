/**
 * The file's own style, so inserted code looks like the user wrote it: how tf.layers is spelled
 * (`tf.layers.`, `layers.`, `L.`), quotes, semicolons, indentation, and whether it is TypeScript.
 */
import ts from 'typescript';
import { findLayerSpec } from '../layers';

export interface CodeStyle {
  /** What precedes a factory name: 'tf.layers.' */
  layers: string;
  /** How to call tf.model / tf.input / the namespace for types: 'tf.' or '' with named imports. */
  tf: string | undefined;
  quote: "'" | '"';
  semi: string;
  indentUnit: string;
  typescript: boolean;
  /** How the file can name the symbolic tensor type ('tf.SymbolicTensor', or 'SymbolicTensor' when imported by name). */
  tensorType: string | undefined;
  /** Type aliases of the tensor type the file declares (`type T = tf.SymbolicTensor`). */
  tensorAliases: string[];
  /** `{ filters: 1 }` (true) or `{filters: 1}`. */
  braceSpacing: boolean;
}

export function detectStyle(sf: ts.SourceFile, text: string, sampleCall?: ts.CallExpression): CodeStyle {
  let layers = 'tf.layers.';
  if (sampleCall && ts.isPropertyAccessExpression(sampleCall.expression)) layers = `${sampleCall.expression.expression.getText(sf)}.`;
  let tfAlias: string | undefined;
  let namedTensor: string | undefined;
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text.startsWith('@tensorflow/tfjs')) {
      const nb = s.importClause?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) tfAlias = nb.name.text;
      else if (s.importClause?.name) tfAlias = s.importClause.name.text;
      if (nb && ts.isNamedImports(nb))
        for (const el of nb.elements) if ((el.propertyName ?? el.name).text === 'SymbolicTensor') namedTensor = el.name.text;
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.initializer && /require\(\s*['"]@tensorflow\/tfjs/.test(d.initializer.getText(sf))) tfAlias = d.name.text;
    }
  }
  const tensorType = tfAlias ? `${tfAlias}.SymbolicTensor` : namedTensor;
  const tensorAliases = sf.statements
    .filter((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && !s.typeParameters && s.type.getText(sf) === tensorType)
    .map((s) => s.name.text);
  // Object literals opened with or without a space (`${` of template strings excluded).
  const spaced = (text.match(/(?<!\$)\{ [A-Za-z_$'"]/g) ?? []).length;
  const tight = (text.match(/(?<!\$)\{[A-Za-z_$'"]/g) ?? []).length;
  const singles = (text.match(/'/g) ?? []).length;
  const doubles = (text.match(/"/g) ?? []).length;
  const stmtEnds = (text.match(/\)\s*;\s*$/gm) ?? []).length;
  const bare = (text.match(/\)\s*$/gm) ?? []).length;
  const indents = text.match(/^( +|\t+)\S/gm) ?? [];
  let unit = '  ';
  if (indents.some((i) => i.startsWith('\t'))) unit = '\t';
  else {
    const widths = indents.map((i) => i.length - 1).filter((w) => w > 0);
    const min = widths.length ? Math.min(...widths) : 2;
    unit = ' '.repeat(min >= 2 && min <= 8 ? min : 2);
  }
  return {
    layers,
    tf: tfAlias ? `${tfAlias}.` : undefined,
    quote: doubles > singles ? '"' : "'",
    semi: stmtEnds >= bare ? ';' : '',
    indentUnit: unit,
    typescript: sf.languageVariant === ts.LanguageVariant.Standard && !/\.(m|c)?jsx?$/.test(sf.fileName),
    tensorType,
    tensorAliases,
    braceSpacing: spaced >= tight,
  };
}

/** Render a layer config object in the file's style: { filters: 64, kernelSize: 1, activation: 'relu' }. */
export function configText(style: CodeStyle, entries: [string, string | number | boolean][]): string {
  if (!entries.length) return '{}';
  const v = (x: string | number | boolean) => (typeof x === 'string' && !x.startsWith('@raw:') ? `${style.quote}${x}${style.quote}` : String(x).replace(/^@raw:/, ''));
  const body = entries.map(([k, x]) => `${k}: ${v(x)}`).join(', ');
  return style.braceSpacing ? `{ ${body} }` : `{${body}}`;
}

/** `@raw:` marks a config value that is source text (an expression), not a string literal. */
export function raw(expr: string): string {
  return `@raw:${expr}`;
}

export function layerCall(style: CodeStyle, factory: string, entries: [string, string | number | boolean][]): string {
  return `${style.layers}${factory}(${configText(style, entries)})`;
}

export function lineIndent(text: string, pos: number): string {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  const m = /^[ \t]*/.exec(text.slice(lineStart));
  return m ? m[0] : '';
}

/**
 * A layer-factory call in the file (`tf.layers.conv2d(...)`, `L.dense(...)`): tells how the file
 * spells tf.layers. Calls on something named `layers` win; merge factories (add, concatenate ...)
 * are skipped in the fallback because `model.add` and friends share their names.
 */
export function sampleLayerCall(sf: ts.SourceFile): ts.CallExpression | undefined {
  let byName: ts.CallExpression | undefined;
  let byFactory: ts.CallExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (byName) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const spec = findLayerSpec(n.expression.name.text);
      if (spec) {
        if (/(^|\.)layers$/.test(n.expression.expression.getText(sf))) byName = n;
        else if (!byFactory && spec.family !== 'merge') byFactory = n;
      }
    }
    n.forEachChild(visit);
  };
  visit(sf);
  return byName ?? byFactory;
}
