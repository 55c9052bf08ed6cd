/** The shared protocol's own logic: block actions travel in the code-action kind, both ways. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_ACTIONS, blockActionKind, blockActionOf, type BlockAction } from '../../protocol/lsp';

test('every block action round-trips through its code-action kind, under the LSP kind it belongs to', () => {
  for (const b of Object.keys(BLOCK_ACTIONS) as BlockAction[]) {
    const kind = blockActionKind(b);
    assert.equal(blockActionOf(kind), b);
    assert.ok(kind.startsWith(b === 'wrap-residual' ? 'refactor.rewrite.' : 'refactor.insert.'), kind);
  }
});

test('other kinds name no block', () => {
  for (const k of [undefined, 'quickfix', 'refactor.insert', 'refactor.insert.convlens.block.', 'refactor.insert.convlens.block.toString', 'refactor.insert.other.vgg'])
    assert.equal(blockActionOf(k), undefined, String(k));
});
