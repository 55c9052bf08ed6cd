/** Spacing in px; tuned by looking at GoogLeNet, ResNet-50 and DenseNet-121. */
export const SPACING = { layer: 34, node: 22, edgeNode: 12, edgeEdge: 8, margin: 24, frameTop: 26, frameSide: 10, chunkGap: 34, maxGap: 30 };
