/// Whether a layer runs as in training (dropout active, batch statistics) or in inference.
public enum LayerMode: Sendable, Hashable {
  /// Training behaviour: dropout masks, batch statistics.
  case training
  /// Inference behaviour: dropout is the identity, running statistics.
  case inference
}
