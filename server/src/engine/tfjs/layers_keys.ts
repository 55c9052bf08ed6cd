/**
 * Every member of `tf.layers` in @tensorflow/tfjs 4.22 (Object.keys(tf.layers); test/unit/catalogue.test.ts
 * checks it against the installed tfjs). The catalogue models most of them; a name outside this list
 * is no function in tfjs, and calling it throws.
 */
export const TFJS_LAYERS_KEYS: ReadonlySet<string> = new Set([
  'Layer', 'RNN', 'RNNCell', 'activation', 'add', 'alphaDropout', 'average', 'averagePooling1d',
  'averagePooling2d', 'averagePooling3d', 'avgPool1d', 'avgPool2d', 'avgPool3d', 'avgPooling1d',
  'avgPooling2d', 'avgPooling3d', 'batchNormalization', 'bidirectional', 'categoryEncoding',
  'centerCrop', 'concatenate', 'conv1d', 'conv2d', 'conv2dTranspose', 'conv3d', 'conv3dTranspose',
  'convLstm2d', 'convLstm2dCell', 'cropping2D', 'dense', 'depthwiseConv2d', 'dot', 'dropout', 'elu',
  'embedding', 'flatten', 'gaussianDropout', 'gaussianNoise', 'globalAveragePooling1d',
  'globalAveragePooling2d', 'globalMaxPool1d', 'globalMaxPool2d', 'globalMaxPooling1d',
  'globalMaxPooling2d', 'gru', 'gruCell', 'input', 'inputLayer', 'layerNormalization', 'leakyReLU',
  'lstm', 'lstmCell', 'masking', 'maxPool1d', 'maxPool2d', 'maxPooling1d', 'maxPooling2d',
  'maxPooling3d', 'maximum', 'minimum', 'multiply', 'permute', 'prelu', 'randomWidth', 'reLU',
  'repeatVector', 'rescaling', 'reshape', 'resizing', 'rnn', 'separableConv2d', 'simpleRNN',
  'simpleRNNCell', 'softmax', 'spatialDropout1d', 'stackedRNNCells', 'thresholdedReLU',
  'timeDistributed', 'upSampling2d', 'zeroPadding2d',
]);
