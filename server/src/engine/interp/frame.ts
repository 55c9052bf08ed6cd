import type ts from 'typescript';
import type { Loc } from '../source';
import type { ModuleRecord } from './modules';
import type { Closure, Value } from './values';

/** One user-function call on the interpreter's stack: what call chains and graph groups are made of. */
export class Frame {
  private loc: Loc | undefined | null = null;
  constructor(
    readonly id: number,
    readonly parent: Frame | undefined,
    /** The function's name as the user sees it ('inceptionBlock', 'ResNet.build'). */
    readonly name: string,
    readonly closure: Closure | undefined,
    /** The call expression (in `callerModule`'s tree) and the argument values it passed. */
    readonly callNode: ts.Node | undefined,
    readonly callerModule: ModuleRecord | undefined,
    readonly args: readonly Value[] = [],
  ) {}
  /** Whether a call expression in the source entered this frame (callLoc is defined), without computing where. */
  get called(): boolean {
    return !!this.callNode && !!this.callerModule && this.callNode.pos >= 0;
  }
  /** The call expression that entered this frame (undefined for an entry point the engine calls); computed on demand. */
  get callLoc(): Loc | undefined {
    if (this.loc === null) {
      const n = this.callNode;
      const rec = this.callerModule;
      this.loc = n && rec && this.called ? { file: rec.path, start: n.getStart(rec.sourceFile), end: n.end } : undefined;
    }
    return this.loc;
  }
}
