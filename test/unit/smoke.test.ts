import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Unknown } from '../../server/src/engine/unknown';
test('smoke', () => { assert.ok(new Unknown('x') instanceof Unknown); });
