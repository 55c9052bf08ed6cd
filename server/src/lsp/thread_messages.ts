/**
 * Messages between the language server's main thread and its analysis worker thread. The worker
 * keeps each document's analysis and answers feature queries from it, so only small answers cross
 * the thread boundary (a DenseNet report is half a megabyte; cloning it took longer than analysing).
 */
import type { Diagnostic, Position, Range } from '../engine';
import type { AdviceOptions } from '../engine/advice/context';
import type { SavedModelAnswer } from '../../../protocol/lsp';

export type Query =
  | { what: 'hints'; range: Range; options: { shape: boolean; params: boolean; macs: boolean } }
  | { what: 'hover'; position: Position }
  | { what: 'lenses'; uri: string }
  | { what: 'symbols' }
  | { what: 'quickfixes'; range: Range; only?: string[] }
  | { what: 'blocks'; range: Range; only?: string[] }
  | { what: 'graph'; model?: string }
  | { what: 'profile'; model?: string };

export type WorkerRequest =
  | { kind: 'analyze'; id: number; uri: string; version: number; path: string; text: string; overlays: Record<string, string>; maxSteps: number; root: string }
  /** Design advice for the analysed version (fixes are measured by re-analysis, so it comes second). */
  | { kind: 'advise'; id: number; uri: string; version: number; options: AdviceOptions }
  | { kind: 'query'; id: number; uri: string; version: number; query: Query }
  | { kind: 'forget'; id: number; uri: string; version: number }
  /** A saved model file (model.json, Keras JSON, config.json of a .keras): its analysis with advice, kept for Copy as TypeScript. */
  | { kind: 'saved'; id: number; uri: string; version: number; path: string; text: string }
  | { kind: 'savedTypeScript'; id: number; uri: string; version: number }
  | { kind: 'savedAdvice'; id: number; uri: string; version: number };

export interface AnalyzeSummary {
  diagnostics: Diagnostic[];
  /** Files the analysis read (imports): editing one of them makes this analysis stale. */
  files: string[];
  models: string[];
  ms: number;
}

export type WorkerResponse =
  | { id: number; ok: true; kind: 'analyze'; summary: AnalyzeSummary }
  | { id: number; ok: true; kind: 'advise'; diagnostics: Diagnostic[]; ms: number }
  | { id: number; ok: true; kind: 'query'; value: unknown }
  | { id: number; ok: true; kind: 'forget' }
  | { id: number; ok: true; kind: 'saved'; value: SavedModelAnswer }
  | { id: number; ok: true; kind: 'savedTypeScript'; code: string | null }
  | { id: number; ok: true; kind: 'savedAdvice'; findings: Diagnostic[] | null }
  | { id: number; ok: false; error: string; stale?: boolean };
