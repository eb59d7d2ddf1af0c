// MLNet.Gelu.Bert: BERT scoring for ML.NET on ONNX Runtime.
