/// Bad input to model construction or to the model CLI.
public enum ModelError: Error, Equatable, CustomStringConvertible {
  /// An architecture name that does not parse.
  case unknownArchitecture(String)

  public var description: String {
    switch self {
    case .unknownArchitecture(let name):
      return "unknown architecture '\(name)': expected densenet121 or inception_v3, "
        + "optionally followed by -dilated, -w<width> and (DenseNet) -d<depth>, "
        + "for example densenet121-dilated-w0.25-d0.5, or can"
    }
  }
}
