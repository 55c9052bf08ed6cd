/**
 * Syntax helpers shared by the interpreter's modules. ts.SyntaxKind is a large enum object: the kinds
 * the hot switch statements use are hoisted into constants once.
 */
import ts from 'typescript';

export const SK_ImportKeyword = ts.SyntaxKind.ImportKeyword;
export const SK_AmpersandAmpersandEqualsToken = ts.SyntaxKind.AmpersandAmpersandEqualsToken;
export const SK_AmpersandAmpersandToken = ts.SyntaxKind.AmpersandAmpersandToken;
export const SK_AmpersandEqualsToken = ts.SyntaxKind.AmpersandEqualsToken;
export const SK_AmpersandToken = ts.SyntaxKind.AmpersandToken;
export const SK_ArrayLiteralExpression = ts.SyntaxKind.ArrayLiteralExpression;
export const SK_ArrowFunction = ts.SyntaxKind.ArrowFunction;
export const SK_AsExpression = ts.SyntaxKind.AsExpression;
export const SK_AsteriskAsteriskEqualsToken = ts.SyntaxKind.AsteriskAsteriskEqualsToken;
export const SK_AsteriskAsteriskToken = ts.SyntaxKind.AsteriskAsteriskToken;
export const SK_AsteriskEqualsToken = ts.SyntaxKind.AsteriskEqualsToken;
export const SK_AsteriskToken = ts.SyntaxKind.AsteriskToken;
export const SK_AwaitExpression = ts.SyntaxKind.AwaitExpression;
export const SK_BarBarEqualsToken = ts.SyntaxKind.BarBarEqualsToken;
export const SK_BarBarToken = ts.SyntaxKind.BarBarToken;
export const SK_BarEqualsToken = ts.SyntaxKind.BarEqualsToken;
export const SK_BarToken = ts.SyntaxKind.BarToken;
export const SK_BigIntLiteral = ts.SyntaxKind.BigIntLiteral;
export const SK_BinaryExpression = ts.SyntaxKind.BinaryExpression;
export const SK_Block = ts.SyntaxKind.Block;
export const SK_BreakStatement = ts.SyntaxKind.BreakStatement;
export const SK_CallExpression = ts.SyntaxKind.CallExpression;
export const SK_CaretEqualsToken = ts.SyntaxKind.CaretEqualsToken;
export const SK_CaretToken = ts.SyntaxKind.CaretToken;
export const SK_ClassDeclaration = ts.SyntaxKind.ClassDeclaration;
export const SK_ClassExpression = ts.SyntaxKind.ClassExpression;
export const SK_CommaListExpression = ts.SyntaxKind.CommaListExpression;
export const SK_CommaToken = ts.SyntaxKind.CommaToken;
export const SK_ConditionalExpression = ts.SyntaxKind.ConditionalExpression;
export const SK_ContinueStatement = ts.SyntaxKind.ContinueStatement;
export const SK_DefaultKeyword = ts.SyntaxKind.DefaultKeyword;
export const SK_DeleteExpression = ts.SyntaxKind.DeleteExpression;
export const SK_DoStatement = ts.SyntaxKind.DoStatement;
export const SK_ElementAccessExpression = ts.SyntaxKind.ElementAccessExpression;
export const SK_EnumDeclaration = ts.SyntaxKind.EnumDeclaration;
export const SK_EqualsEqualsEqualsToken = ts.SyntaxKind.EqualsEqualsEqualsToken;
export const SK_EqualsEqualsToken = ts.SyntaxKind.EqualsEqualsToken;
export const SK_EqualsToken = ts.SyntaxKind.EqualsToken;
export const SK_ExclamationEqualsEqualsToken = ts.SyntaxKind.ExclamationEqualsEqualsToken;
export const SK_ExclamationEqualsToken = ts.SyntaxKind.ExclamationEqualsToken;
export const SK_ExclamationToken = ts.SyntaxKind.ExclamationToken;
export const SK_ExportAssignment = ts.SyntaxKind.ExportAssignment;
export const SK_ExportDeclaration = ts.SyntaxKind.ExportDeclaration;
export const SK_ExportKeyword = ts.SyntaxKind.ExportKeyword;
export const SK_ExpressionStatement = ts.SyntaxKind.ExpressionStatement;
export const SK_ExtendsKeyword = ts.SyntaxKind.ExtendsKeyword;
export const SK_FalseKeyword = ts.SyntaxKind.FalseKeyword;
export const SK_ForInStatement = ts.SyntaxKind.ForInStatement;
export const SK_ForOfStatement = ts.SyntaxKind.ForOfStatement;
export const SK_ForStatement = ts.SyntaxKind.ForStatement;
export const SK_FunctionDeclaration = ts.SyntaxKind.FunctionDeclaration;
export const SK_FunctionExpression = ts.SyntaxKind.FunctionExpression;
export const SK_GreaterThanEqualsToken = ts.SyntaxKind.GreaterThanEqualsToken;
export const SK_GreaterThanGreaterThanEqualsToken = ts.SyntaxKind.GreaterThanGreaterThanEqualsToken;
export const SK_GreaterThanGreaterThanGreaterThanEqualsToken = ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken;
export const SK_GreaterThanGreaterThanGreaterThanToken = ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken;
export const SK_GreaterThanGreaterThanToken = ts.SyntaxKind.GreaterThanGreaterThanToken;
export const SK_GreaterThanToken = ts.SyntaxKind.GreaterThanToken;
export const SK_Identifier = ts.SyntaxKind.Identifier;
export const SK_IfStatement = ts.SyntaxKind.IfStatement;
export const SK_ImportDeclaration = ts.SyntaxKind.ImportDeclaration;
export const SK_ImportEqualsDeclaration = ts.SyntaxKind.ImportEqualsDeclaration;
export const SK_ModuleDeclaration = ts.SyntaxKind.ModuleDeclaration;
export const SK_InKeyword = ts.SyntaxKind.InKeyword;
export const SK_InstanceOfKeyword = ts.SyntaxKind.InstanceOfKeyword;
export const SK_LabeledStatement = ts.SyntaxKind.LabeledStatement;
export const SK_LessThanEqualsToken = ts.SyntaxKind.LessThanEqualsToken;
export const SK_LessThanLessThanEqualsToken = ts.SyntaxKind.LessThanLessThanEqualsToken;
export const SK_LessThanLessThanToken = ts.SyntaxKind.LessThanLessThanToken;
export const SK_LessThanToken = ts.SyntaxKind.LessThanToken;
export const SK_MinusEqualsToken = ts.SyntaxKind.MinusEqualsToken;
export const SK_MinusMinusToken = ts.SyntaxKind.MinusMinusToken;
export const SK_MinusToken = ts.SyntaxKind.MinusToken;
export const SK_NewExpression = ts.SyntaxKind.NewExpression;
export const SK_NoSubstitutionTemplateLiteral = ts.SyntaxKind.NoSubstitutionTemplateLiteral;
export const SK_NonNullExpression = ts.SyntaxKind.NonNullExpression;
export const SK_NullKeyword = ts.SyntaxKind.NullKeyword;
export const SK_NumericLiteral = ts.SyntaxKind.NumericLiteral;
export const SK_ObjectLiteralExpression = ts.SyntaxKind.ObjectLiteralExpression;
export const SK_ParenthesizedExpression = ts.SyntaxKind.ParenthesizedExpression;
export const SK_PartiallyEmittedExpression = ts.SyntaxKind.PartiallyEmittedExpression;
export const SK_PercentEqualsToken = ts.SyntaxKind.PercentEqualsToken;
export const SK_PercentToken = ts.SyntaxKind.PercentToken;
export const SK_PlusEqualsToken = ts.SyntaxKind.PlusEqualsToken;
export const SK_PlusPlusToken = ts.SyntaxKind.PlusPlusToken;
export const SK_PlusToken = ts.SyntaxKind.PlusToken;
export const SK_PostfixUnaryExpression = ts.SyntaxKind.PostfixUnaryExpression;
export const SK_PrefixUnaryExpression = ts.SyntaxKind.PrefixUnaryExpression;
export const SK_PrivateKeyword = ts.SyntaxKind.PrivateKeyword;
export const SK_PropertyAccessExpression = ts.SyntaxKind.PropertyAccessExpression;
export const SK_ProtectedKeyword = ts.SyntaxKind.ProtectedKeyword;
export const SK_PublicKeyword = ts.SyntaxKind.PublicKeyword;
export const SK_QuestionQuestionEqualsToken = ts.SyntaxKind.QuestionQuestionEqualsToken;
export const SK_QuestionQuestionToken = ts.SyntaxKind.QuestionQuestionToken;
export const SK_ReadonlyKeyword = ts.SyntaxKind.ReadonlyKeyword;
export const SK_ReturnStatement = ts.SyntaxKind.ReturnStatement;
export const SK_SatisfiesExpression = ts.SyntaxKind.SatisfiesExpression;
export const SK_SlashEqualsToken = ts.SyntaxKind.SlashEqualsToken;
export const SK_SlashToken = ts.SyntaxKind.SlashToken;
export const SK_SpreadElement = ts.SyntaxKind.SpreadElement;
export const SK_StaticKeyword = ts.SyntaxKind.StaticKeyword;
export const SK_StringLiteral = ts.SyntaxKind.StringLiteral;
export const SK_SuperKeyword = ts.SyntaxKind.SuperKeyword;
export const SK_SwitchStatement = ts.SyntaxKind.SwitchStatement;
export const SK_TemplateExpression = ts.SyntaxKind.TemplateExpression;
export const SK_ThisKeyword = ts.SyntaxKind.ThisKeyword;
export const SK_ThrowStatement = ts.SyntaxKind.ThrowStatement;
export const SK_TildeToken = ts.SyntaxKind.TildeToken;
export const SK_TrueKeyword = ts.SyntaxKind.TrueKeyword;
export const SK_TryStatement = ts.SyntaxKind.TryStatement;
export const SK_TypeAssertionExpression = ts.SyntaxKind.TypeAssertionExpression;
export const SK_TypeOfExpression = ts.SyntaxKind.TypeOfExpression;
export const SK_Unknown = ts.SyntaxKind.Unknown;
export const SK_VariableStatement = ts.SyntaxKind.VariableStatement;
export const SK_VoidExpression = ts.SyntaxKind.VoidExpression;
export const SK_YieldExpression = ts.SyntaxKind.YieldExpression;
export const SK_WhileStatement = ts.SyntaxKind.WhileStatement;

/** Stands in for a node where the engine itself calls a native function. */
export const dummyNode = { pos: -1, end: -1, kind: ts.SyntaxKind.Unknown } as unknown as ts.Node;

/** Wrappers that do not change a value: (e), e as T, e!, <T>e, e satisfies T. */
const OUTER_KINDS = new Set([ts.SyntaxKind.ParenthesizedExpression, ts.SyntaxKind.AsExpression, ts.SyntaxKind.NonNullExpression, ts.SyntaxKind.TypeAssertionExpression, ts.SyntaxKind.SatisfiesExpression]);

// Called on every evaluated expression: one kind lookup, not five ts.isX calls.
export function skipOuterExpressions(e: ts.Expression): ts.Expression {
  while (OUTER_KINDS.has(e.kind)) e = (e as ts.ParenthesizedExpression).expression;
  return e;
}

/** The name a value is bound to (names anonymous functions in call chains). */
export function nameHint(n: ts.BindingName): string | undefined {
  return ts.isIdentifier(n) ? n.text : undefined;
}

export function bindingNames(n: ts.BindingName): string[] {
  if (ts.isIdentifier(n)) return [n.text];
  const out: string[] = [];
  for (const el of n.elements) if (!ts.isOmittedExpression(el)) out.push(...bindingNames(el.name));
  return out;
}

export function isParamPropertyModifier(k: ts.SyntaxKind): boolean {
  return k === SK_PublicKeyword || k === SK_PrivateKeyword || k === SK_ProtectedKeyword || k === SK_ReadonlyKeyword;
}

export function hasModifier(n: ts.Node, kind: ts.SyntaxKind): boolean {
  return !!(ts.canHaveModifiers(n) && ts.getModifiers(n)?.some((m) => m.kind === kind));
}

export interface Hoisting {
  functions: ts.FunctionDeclaration[];
  vars: string[];
  classes: string[];
}

/** What a statement list hoists, computed once per list (a helper called 58 times is walked once). */
const hoistCache = new WeakMap<object, Hoisting>();

export function hoistingOf(stmts: ts.NodeArray<ts.Statement> | readonly ts.Statement[]): Hoisting {
  let h = hoistCache.get(stmts);
  if (h) return h;
  h = { functions: [], vars: [], classes: [] };
  const out = h;
  const varNames = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) out.vars.push(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) varNames(el.name);
  };
  // `var` inside blocks and loops belongs to the function scope.
  const nested = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isVariableDeclarationList(n) && !(n.flags & ts.NodeFlags.BlockScoped)) for (const d of n.declarations) varNames(d.name);
    ts.forEachChild(n, nested);
  };
  for (const s of stmts) {
    if (ts.isFunctionDeclaration(s) && s.body) out.functions.push(s);
    else if (isAmbient(s)) continue;
    else if (ts.isVariableStatement(s) && !(s.declarationList.flags & ts.NodeFlags.BlockScoped)) for (const d of s.declarationList.declarations) varNames(d.name);
    else if (ts.isClassDeclaration(s) && s.name) out.classes.push(s.name.text);
    if (ts.isBlock(s) || ts.isIfStatement(s) || ts.isIterationStatement(s, false) || ts.isTryStatement(s) || ts.isSwitchStatement(s) || ts.isLabeledStatement(s))
      ts.forEachChild(s, nested);
  }
  hoistCache.set(stmts, out);
  return out;
}

/** `declare const tf: ...`, `declare class X`: types only, nothing runs or is bound (a global stays visible). */
export function isAmbient(s: ts.Statement): boolean {
  return ts.canHaveModifiers(s) && !!ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
}

/** Whether a block declares anything of its own (let, const, class, function): only then does it need a scope. */
const blockScopeCache = new WeakMap<object, boolean>();
export function needsScope(stmts: ts.NodeArray<ts.Statement>): boolean {
  let v = blockScopeCache.get(stmts);
  if (v === undefined) {
    v = stmts.some(
      (s) => ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s) || (ts.isVariableStatement(s) && (s.declarationList.flags & ts.NodeFlags.BlockScoped) !== 0),
    );
    blockScopeCache.set(stmts, v);
  }
  return v;
}

/** What a loop may change: names assigned in it and `this` fields written, computed once per loop. */
export interface LoopWrites {
  names: string[];
  thisFields: string[];
  /** The loop yields (in a generator): what it yields is also among what it changes. */
  yields: boolean;
}

const MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'set', 'delete', 'clear', 'add']);
const writesCache = new WeakMap<ts.Node, LoopWrites>();

/**
 * The variables a loop writes (assignments, ++/--, declarations with `var`, arrays and maps it
 * mutates, objects whose fields it sets) and the `this` fields it sets, and whether it yields.
 * Nested functions are not entered: what they write happens only if they are called.
 */
export function loopWrites(loop: ts.Node): LoopWrites {
  let w = writesCache.get(loop);
  if (w) return w;
  const names = new Set<string>();
  const thisFields = new Set<string>();
  let yields = false;
  const root = (e: ts.Expression): void => {
    e = skipOuterExpressions(e);
    while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      if (e.expression.kind === ts.SyntaxKind.ThisKeyword && ts.isPropertyAccessExpression(e)) {
        thisFields.add(e.name.text);
        return;
      }
      e = skipOuterExpressions(e.expression);
    }
    if (ts.isIdentifier(e)) names.add(e.text);
    else if (ts.isArrayLiteralExpression(e)) for (const el of e.elements) root(ts.isSpreadElement(el) ? el.expression : el);
    else if (ts.isObjectLiteralExpression(e))
      for (const p of e.properties) {
        if (ts.isShorthandPropertyAssignment(p)) names.add(p.name.text);
        else if (ts.isPropertyAssignment(p)) root(p.initializer);
      }
  };
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) root(n.left);
    else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) root(n.operand);
    else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && MUTATORS.has(n.expression.name.text)) root(n.expression.expression);
    else if (ts.isVariableDeclarationList(n) && !(n.flags & ts.NodeFlags.BlockScoped)) for (const d of n.declarations) for (const x of bindingNames(d.name)) names.add(x);
    else if ((ts.isForOfStatement(n) || ts.isForInStatement(n)) && !ts.isVariableDeclarationList(n.initializer)) root(n.initializer);
    else if (ts.isYieldExpression(n)) yields = true;
    ts.forEachChild(n, visit);
  };
  visit(loop);
  w = { names: [...names], thisFields: [...thisFields], yields };
  writesCache.set(loop, w);
  return w;
}

/** `module.exports` (what CommonJS exports; `module` is Node's, not a value the analysis holds). */
export function isModuleExports(e: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(e) && e.name.text === 'exports' && ts.isIdentifier(e.expression) && e.expression.text === 'module';
}

/** `exports` or `module.exports`: what a CommonJS module assigns its exports to. */
export function isExportsObject(e: ts.Expression): boolean {
  return (ts.isIdentifier(e) && e.text === 'exports') || isModuleExports(e);
}
