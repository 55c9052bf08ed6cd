/**
 * The ConvLens engine: a pure library that answers questions about model-building source text.
 * No IO, no editor: the CLI, the language server and the benchmarks all come through here.
 */
export { analyzeSource } from './analyze';
export { ParseMemory } from './syntax/parse_memory';
export { noteStackOverflow, stackOverflowsSeen } from './stack_overflow';
export type { AnalysisResult, AnalyzedModel, AnalysisOptions } from './analyze';
export type { AnalysisHost } from './interp/modules';
export type { BudgetLimits } from './interp/budget';
export { AnalysisCancelled, DEFAULT_LIMITS } from './interp/budget';
export type { CancellationToken } from './interp/budget';
export * from './report/types';
export type { Finding, Fix, TextEdit } from './advice';
export { RULES } from './advice';
export { analyzeSavedModel, savedModelTypeScript, checkShardSizes } from './analyze_saved';
export type { SavedModelResult, SavedModelOptions, SavedFormat, ShardGroup, RandomAccess } from './analyze_saved';
