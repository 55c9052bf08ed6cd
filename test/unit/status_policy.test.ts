/** The status bar keeps its last settled value until an analysis of the current text arrives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryDelay, statusAction } from '../../client/src/status_policy';

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
  assert.equal(statusAction(doc, doc, null), 'retry', 'no answer for the version still shown: ask again');
  assert.equal(statusAction(doc, { ...doc, version: 8 }, null), 'keep', 'no answer, and the user typed: the edit asks anew');
});

test('unanswered requests are asked again, 0.5 s doubling to at most 8 s', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map(retryDelay), [500, 1000, 2000, 4000, 8000, 8000, 8000]);
});
