/**
 * Design advice on a saved model: the rules run on the model's TypeScript rebuild (typescript.ts),
 * which ConvLens analyses to exactly the same layers, so every saving is measured as for code.
 * Findings come back placed at the layer in the file; fixes are dropped (there is no source to edit).
 */
import { analyzeSource } from '../analyze';
import type { Finding } from '../advice';
import type { ModelValue } from '../tfjs/values';
import type { BuildSite } from './build';
import type { SavedModelResult } from './index';
import { generateTypeScript } from './typescript';

export function adviseSaved(result: SavedModelResult, site: BuildSite, names: Map<ModelValue, string>): Finding[] {
  const models = site.made.map(({ model }) => ({ model, name: names.get(model)! }));
  const gen = generateTypeScript(models, 'advice');
  const file = `${result.file}.convlens-rebuild.ts`;
  const analysed = analyzeSource(gen.code, file, undefined, { advice: true });
  const out: Finding[] = [];
  for (const f of analysed.findings ?? []) {
    const built = gen.builders.get(f.model);
    const name = built ? names.get(built) : undefined;
    const target = result.models.find((m) => m.report.name === name);
    if (!target) continue;
    const layer = f.layerIndex >= 0 ? target.report.layers[f.layerIndex] : undefined;
    const range = layer ? layer.range : target.report.range;
    out.push({ model: target.report.name, layerIndex: f.layerIndex, diagnostic: { ...f.diagnostic, range } });
  }
  return out;
}
