/**
 * ConvLens's extensions to LSP, written once for the server (server/src/lsp) and the client
 * (client/src): the custom requests with their parameter and result types, and the code-action
 * kinds of inserted blocks. (The pattern of rust-analyzer's lsp_ext.ts and vscode-eslint's
 * customMessages.ts.)
 */
import type { Diagnostic, ModelGraph, ModelReport, Report } from '../server/src/engine/report/types';
import type { BlockKind } from '../server/src/engine/blocks/templates';
import type { ShardGroup } from '../server/src/engine/saved/manifest';

/** A request's method name, with its parameter and result types attached for the compiler only. */
export interface RequestDef<P, R> {
  readonly method: string;
  /** Never set: carries the types. */
  readonly types?: { params: P; result: R };
}
const request = <P, R>(method: string): RequestDef<P, R> => ({ method });

export interface ModelRequestParams {
  /** The document's URI as the client knows it. */
  uri: string;
  /** A model name from the analysis; the answer covers every model of the document when omitted. */
  model?: string;
}

/** What the panel draws: every model of a document with its graph, at the version analysed. */
export interface GraphAnswer {
  uri: string;
  version: number;
  models: { report: ModelReport; graph: ModelGraph }[];
  diagnostics: Diagnostic[];
}

/** `convlens/modelGraph`: the graph and report of each model in a document (null: not analysed). */
export const ModelGraphRequest = request<ModelRequestParams, GraphAnswer | null>('convlens/modelGraph');
/** `convlens/profile`: the JSON report of `convlens profile --json` for a document (docs/report.md). */
export const ProfileRequest = request<ModelRequestParams, Report | null>('convlens/profile');

// ---- saved model files (the model viewer, client/src/saved_editor.ts)
export interface SavedModelParams {
  uri: string;
  /** Increases with each read of the file by the client. */
  version: number;
  /** The file's path (for messages), and the JSON text: model.json, Keras JSON, or the config of a .keras / .h5. */
  path: string;
  text: string;
}
/** What the model viewer gets: the panel's payload plus the weight groups for its shard check. */
export interface SavedModelAnswer {
  formatLabel: string;
  models: { report: ModelReport; graph: ModelGraph }[];
  diagnostics: Diagnostic[];
  shards: ShardGroup[];
}
export interface SavedVersionParams {
  uri: string;
  version: number;
}
/** `convlens/savedModel`: analyse a saved model file's text (kept in the worker for the two below). */
export const SavedModelRequest = request<SavedModelParams, SavedModelAnswer | { error: string }>('convlens/savedModel');
/** `convlens/savedModelAdvice`: design advice, no fixes (null: the worker no longer has that version). */
export const SavedAdviceRequest = request<SavedVersionParams, Diagnostic[] | null>('convlens/savedModelAdvice');
/** `convlens/savedModelTypeScript`: Copy as TypeScript (null: the worker no longer has that version). */
export const SavedTypeScriptRequest = request<SavedVersionParams, string | null>('convlens/savedModelTypeScript');

// ---- code actions that insert blocks
/** What an inserted-block action does; it travels in the action's kind, never in its title. */
export type BlockAction = BlockKind | 'wrap-residual';

/** The quick pick's words for each block action. */
export const BLOCK_ACTIONS: Record<BlockAction, { label: string; detail: string }> = {
  inception: { label: 'Inception block', detail: 'GoogLeNet: 1×1, 3×3, 5×5 and pool branches, concatenated' },
  residual: { label: 'Residual block', detail: 'ResNet basic block: two 3×3 conv–BN layers plus the input' },
  'residual-down': { label: 'Downsampling residual block', detail: 'ResNet: stride 2, twice the channels, projection shortcut' },
  bottleneck: { label: 'Bottleneck residual block', detail: 'ResNet-50: 1×1 reduce → 3×3 → 1×1 expand, plus a shortcut' },
  dense: { label: 'Dense block + transition', detail: 'DenseNet: concatenating layers, then 1×1 compression and pooling' },
  vgg: { label: 'VGG block', detail: 'VGG: stacked 3×3 convs, then 2×2 max-pooling' },
  'wrap-residual': { label: 'Wrap in residual block', detail: 'ResNet: add a skip connection around this layer' },
};

const BLOCK_KIND_INFIX = '.convlens.block.';

/** The LSP code-action kind of a block action: `refactor.insert.convlens.block.inception`. */
export function blockActionKind(block: BlockAction): string {
  return `${block === 'wrap-residual' ? 'refactor.rewrite' : 'refactor.insert'}${BLOCK_KIND_INFIX}${block}`;
}

/** The block action a code-action kind names, or undefined for any other action. */
export function blockActionOf(kind: string | undefined): BlockAction | undefined {
  const at = kind?.indexOf(BLOCK_KIND_INFIX) ?? -1;
  if (at < 0) return undefined;
  const block = kind!.slice(at + BLOCK_KIND_INFIX.length);
  return Object.prototype.hasOwnProperty.call(BLOCK_ACTIONS, block) ? (block as BlockAction) : undefined;
}
