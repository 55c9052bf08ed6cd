import ts from 'typescript';

/**
 * Parse TypeScript or JavaScript. ts.createSourceFile never throws: a half-typed file yields a tree
 * with missing nodes, and the interpreter treats those as Unknown, so the rest keeps its hints.
 */
export function parseSource(text: string, fileName: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, /*setParentNodes*/ false, scriptKindOf(fileName));
}

export function scriptKindOf(fileName: string): ts.ScriptKind {
  const f = fileName.toLowerCase();
  if (f.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (f.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (f.endsWith('.js') || f.endsWith('.mjs') || f.endsWith('.cjs')) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** The text of a property name, when it is static. */
export function propertyNameText(name: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name))
    return name.text;
  if (ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}
