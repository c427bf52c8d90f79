/// Whether a layer runs as in training (batch statistics, dropout) or in inference.
public enum LayerMode: Sendable {
  case training, inference
}
