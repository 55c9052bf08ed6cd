/**
 * `tf.loadLayersModel(path)` where the path is a string the analysis knows and the host finds a
 * model.json for it (inside the workspace or CLI root: see AnalysisHost.readModelFile): the file
 * is read by the saved-model reader and built in this session, so `getLayer`, `layers[i]`,
 * `.output`, `.inputs` and models cut from it are exact. URLs, other handlers and paths the host
 * will not read stay unknown (null in every count), with the reason kept for hovers.
 */
import { Unknown, isUnknown } from '../unknown';
import type { Value } from '../interp/values';
import type { TfSession } from '../tfjs/session';
import { readSavedFile } from './read';
import { SavedModelError } from './errors';
import { buildTopology } from './build';
import { noteStackOverflow } from '../stack_overflow';

export function loadLayersModel(session: TfSession, arg: Value): Value {
  if (isUnknown(arg)) return new Unknown(`tf.loadLayersModel of an unknown path (${arg.reason})`);
  if (typeof arg !== 'string') return new Unknown('tf.loadLayersModel with an IO handler is not read by ConvLens');
  if (/^(https?|indexeddb|localstorage|downloads):/i.test(arg)) return new Unknown(`tf.loadLayersModel('${arg}') loads from a URL or browser storage: not read`);
  const host = session.interp.host;
  if (!host.readModelFile) return new Unknown(`tf.loadLayersModel('${arg}'): files are not read here`);
  const found = host.readModelFile(arg.replace(/^file:\/\//i, ''));
  if ('error' in found) return new Unknown(`tf.loadLayersModel('${arg}'): ${found.error}`);
  try {
    const saved = readSavedFile(found.text, found.path);
    // The loaded model belongs to the file it came from: made outside any builder's frame, it is
    // not reported as one of this file's models (the models built from it are).
    return session.interp.outsideCalls(() => buildTopology({ session, file: found.path, made: [] }, saved.topology));
  } catch (e) {
    noteStackOverflow(e);
    if (e instanceof SavedModelError || e instanceof RangeError) return new Unknown(`tf.loadLayersModel('${arg}'): ${e.message}`);
    throw e;
  }
}
