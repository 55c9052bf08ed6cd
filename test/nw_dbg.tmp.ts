import { readFileSync } from 'node:fs';
import { analyzeSource } from '../server/src/engine';
import { buildNamed, loadModuleFromText, truthLayers, tfjs, statedMismatches } from './helpers/tfjs_oracle';
(async () => {
  await tfjs();
  const p = '/work/wt/neverwrong/test/fixtures/models/class_builder.ts';
  const text = readFileSync(p, 'utf8');
  const r = analyzeSource(text, p);
  const mod = loadModuleFromText(text, '/work/wt/neverwrong/test/fixtures/models');
  for (let k = 0; k < 2; k++) {
    const m = await buildNamed(mod, 'SmallCNN.build');
    console.log(truthLayers(m).slice(0, 3).map((t) => t.name), r.models[0]!.report.layers.slice(0, 3).map((l) => (l as any).name));
    console.log(statedMismatches(r.models[0]!.report, m).slice(0, 2));
  }
})();
