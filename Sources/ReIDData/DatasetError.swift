/// Why a dataset on disk could not be loaded; every case names the folder, file or record.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
  /// A folder the layout requires does not exist.
  case missingFolder(path: String, dataset: String)
  /// A file the layout or an id list requires does not exist.
  case missingFile(path: String, reason: String)
  /// An image whose name does not follow the dataset's naming scheme.
  case badFileName(path: String, expected: String)
  /// A malformed line in a list file.
  case badListEntry(path: String, line: Int, reason: String)
  /// A split with another image count than the published dataset, for a dataset not
  /// declared non-standard.
  case countMismatch(path: String, dataset: String, split: String, found: Int, expected: Int)
  /// A split that must not be empty is empty.
  case emptySplit(dataset: String, split: String, path: String)
  /// A label map whose size differs from its image's.
  case labelMapSizeMismatch(path: String, labelMap: String, image: String)
  /// A label map holding a value that is neither a class (0 ..< classes) nor the ignored 255.
  case labelOutOfRange(path: String, value: Int, classes: Int)

  /// A one-line message naming what was wrong and what was expected.
  public var description: String {
    switch self {
    case .missingFolder(let path, let dataset):
      return "\(path): missing folder of the \(dataset) layout"
    case .missingFile(let path, let reason):
      return "\(path): missing file (\(reason))"
    case .badFileName(let path, let expected):
      return "\(path): bad file name, expected \(expected)"
    case .badListEntry(let path, let line, let reason):
      return "\(path):\(line): \(reason)"
    case .countMismatch(let path, let dataset, let split, let found, let expected):
      return
        "\(path): the \(dataset) \(split) split has \(found) images, the published dataset "
        + "\(expected); runs train and evaluate on the complete dataset only (`reid data "
        + "inspect --allow-nonstandard` lists a subset)"
    case .emptySplit(let dataset, let split, let path):
      return "\(path): the \(dataset) \(split) split has no images"
    case .labelMapSizeMismatch(let path, let labelMap, let image):
      return "\(path): label map is \(labelMap), its image is \(image)"
    case .labelOutOfRange(let path, let value, let classes):
      return
        "\(path): label \(value) in the label map, expected 0-\(classes - 1) (or 255, ignored)"
    }
  }
}
