// The value names a recurrent layer's ONNX subgraph reads and writes (shared by the plain and projected exports).

/** Value names a recurrent layer reads in a graph; '' or absent = not used. */
export interface RecurrentGraphInputs {
  /** [seq, batch, inputSize], or [batch, seq, inputSize] for a batchFirst layer. */
  input: string;
  /** [numLayers * D, batch, outSize]; zeros when absent. */
  h0?: string;
  /** [numLayers * D, batch, hiddenSize], LSTM only; zeros when absent. */
  c0?: string;
  /** int32 [batch]: steps used by each sequence (ONNX sequence_lens). */
  lengths?: string;
}

export interface RecurrentGraphOutputs {
  /** Same layout as the layer's forward output. */
  output: string;
  hN: string;
  cN: string | null;
}
