/**
 * The tfjs namespace the runtime works with. One type for every backend: tfjs-node re-exports the
 * same API as @tensorflow/tfjs, so code written against this type runs on all of them.
 */
export type Tf = typeof import('@tensorflow/tfjs');
export type LayersModel = import('@tensorflow/tfjs').LayersModel;
export type Tensor = import('@tensorflow/tfjs').Tensor;
