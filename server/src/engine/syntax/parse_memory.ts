/**
 * What an editing session keeps between analyses (the language server's worker holds one): each
 * analysed file's last clean parse, the base of the next incremental parse, and imported files'
 * trees, reused while their text is unchanged. Without it every edit re-parses every file.
 */
import type ts from 'typescript';

/** Imported trees kept at most (a workspace's helpers; the oldest go first). */
const MAX_MODULES = 200;

export class ParseMemory {
  /** Per analysed file: its last parse without syntax errors. updateSourceFile mutates it: take it out to use it. */
  private readonly files = new Map<string, ts.SourceFile>();
  /** Imported files by path; a tree whose text differs from the file's is parsed anew. Never updated in place. */
  private readonly modules = new Map<string, ts.SourceFile>();

  /** The base for re-parsing `path`, removed: after an incremental parse the old tree is not valid. */
  takeFile(path: string): ts.SourceFile | undefined {
    const sf = this.files.get(path);
    this.files.delete(path);
    return sf;
  }

  keepFile(path: string, sf: ts.SourceFile): void {
    this.files.set(path, sf);
  }

  module(path: string): ts.SourceFile | undefined {
    return this.modules.get(path);
  }

  keepModule(path: string, sf: ts.SourceFile): void {
    this.modules.delete(path);
    this.modules.set(path, sf);
    if (this.modules.size > MAX_MODULES) this.modules.delete(this.modules.keys().next().value!);
  }
}
