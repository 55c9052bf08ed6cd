/**
 * React class components: `this.props` is what React hands the constructor, the parent's props over
 * the class's `static defaultProps` (a default is the component's own: stated, as a function
 * component's destructuring default is), and setState merges into this.state. The model
 * componentDidMount builds is compared with the component constructed in Node with its
 * defaultProps, a few lines standing in for React.Component, and the model built in tfjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const FAKE_REACT = `const React = { Component: class { constructor(props) { this.props = props; this.state = {}; }
  setState(s) { this.state = { ...this.state, ...(typeof s === 'function' ? s(this.state, this.props) : s) }; } } };\n`;

const SRC = `import * as tf from '@tensorflow/tfjs';
import React from 'react';
class Base extends React.Component {
  static defaultProps = { inputDim: 16, units: [24, 12] };
}
export class Regressor extends Base {
  constructor(props) {
    super(props);
    this.state = { params: 0 };
  }
  componentDidMount() {
    const model = this.makeModel();
    this.setState({ params: model.countParams() });
    this.model = model;
  }
  makeModel() {
    const { inputDim, units } = this.props;
    const m = tf.sequential();
    units.forEach((u, i) => m.add(tf.layers.dense({ units: u, ...(i === 0 ? { inputShape: [inputDim] } : {}) })));
    m.add(tf.layers.dense({ units: this.props.outputs ?? 1 }));
    return m;
  }
  render() { return null; }
}
`;

test("a class component's this.props takes defaultProps (through a base class); the model componentDidMount builds is tfjs's", async () => {
  const r = analyzeSource(SRC, '/virtual/regressor.jsx');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], 'no false error');
  const report = r.models.find((m) => m.report.name === 'Regressor.makeModel')?.report;
  assert.ok(report, `no model 'Regressor.makeModel' among: ${r.models.map((m) => m.report.name).join(', ') || 'none'}`);
  await tfjs();
  const mod = loadModuleFromText(SRC.replace("import React from 'react';\n", FAKE_REACT), undefined, 'js') as Record<string, any>;
  const c = new mod.Regressor({ ...mod.Regressor.defaultProps });
  c.componentDidMount();
  assert.equal(c.state.params, c.model.countParams());
  // 'outputs' has no default: a parent may pass it, so the head (and the total) is not stated.
  assert.equal(report.totalParams, null);
  assert.ok(report.layers[0]!.params !== null && report.layers[1]!.params !== null, 'the layers defaultProps decide are stated');
  assert.deepEqual(statedMismatches(report, c.model), []);
});
