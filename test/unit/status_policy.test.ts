/** The status bar keeps its last settled value until an analysis of the current text arrives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusAction } from '../../client/src/status_policy';

const doc = { uri: 'file:///m.ts', version: 7 };

test('an answer about the version in the editor replaces the value (or hides it: no model)', () => {
  assert.equal(statusAction(doc, doc, 2), 'show');
  assert.equal(statusAction(doc, doc, 0), 'hide');
});

test('typing meanwhile, another editor, or no answer: the last settled value stays', () => {
  assert.equal(statusAction(doc, { ...doc, version: 8 }, 2), 'keep', 'an intermediate total while typing');
  assert.equal(statusAction(doc, { ...doc, version: 8 }, 0), 'keep');
  assert.equal(statusAction(doc, { uri: 'file:///other.ts', version: 7 }, 2), 'keep');
  assert.equal(statusAction(doc, undefined, 2), 'keep');
  assert.equal(statusAction(doc, doc, null), 'keep', 'superseded or failed analysis');
});
