import CHDF5
import TensorCore

/// The element type of a dataset or attribute, as this module names it.
public enum HDF5ElementType: Equatable, Hashable, Sendable, CustomStringConvertible {
  /// IEEE float32 (written little-endian).
  case float32
  /// IEEE float64 (written little-endian).
  case float64
  /// Signed 64-bit integer (written little-endian).
  case int64
  /// Unsigned 8-bit integer.
  case uint8
  /// A string (this module writes variable-length UTF-8).
  case string
  /// A type this module does not read, described like `int32` or `compound`.
  case other(String)

  /// `float32`, `int64`, `string`, ...
  public var description: String {
    switch self {
    case .float32: return "float32"
    case .float64: return "float64"
    case .int64: return "int64"
    case .uint8: return "uint8"
    case .string: return "string"
    case .other(let text): return text
    }
  }

  /// The bytes of one element in memory (0 for strings and other types).
  var byteSize: Int {
    switch self {
    case .float32: return 4
    case .float64: return 8
    case .int64: return 8
    case .uint8: return 1
    case .string, .other: return 0
    }
  }

  /// The native in-memory HDF5 type of a numeric element type.
  var memoryType: hid_t? {
    switch self {
    case .float32: return chdf5_native_float()
    case .float64: return chdf5_native_double()
    case .int64: return chdf5_native_int64()
    case .uint8: return chdf5_native_uint8()
    case .string, .other: return nil
    }
  }

  /// The little-endian on-disk HDF5 type of a numeric element type.
  var fileType: hid_t? {
    switch self {
    case .float32: return chdf5_ieee_f32le()
    case .float64: return chdf5_ieee_f64le()
    case .int64: return chdf5_std_i64le()
    case .uint8: return chdf5_std_u8le()
    case .string, .other: return nil
    }
  }

  /// The element type of an HDF5 datatype; byte order is not part of it.
  init(datatype: hid_t) {
    let bits = H5Tget_size(datatype) * 8
    switch H5Tget_class(datatype) {
    case H5T_FLOAT:
      self = bits == 32 ? .float32 : bits == 64 ? .float64 : .other("float\(bits)")
    case H5T_INTEGER:
      let signed = H5Tget_sign(datatype) == H5T_SGN_2
      if signed && bits == 64 {
        self = .int64
      } else if !signed && bits == 8 {
        self = .uint8
      } else {
        self = .other((signed ? "int" : "uint") + "\(bits)")
      }
    case H5T_STRING: self = .string
    case H5T_COMPOUND: self = .other("compound")
    case H5T_ENUM: self = .other("enum")
    case H5T_ARRAY: self = .other("array")
    case H5T_VLEN: self = .other("variable-length sequence")
    case H5T_OPAQUE: self = .other("opaque")
    case H5T_REFERENCE: self = .other("reference")
    case H5T_BITFIELD: self = .other("bitfield")
    default: self = .other("unknown type")
    }
  }
}

/// A Swift scalar type stored as an HDF5 numeric element type: `Float`, `Double`, `Int64` and
/// `UInt8`.
public protocol HDF5Scalar: Sendable {
  /// The element type a value of this type is stored as.
  static var hdf5ElementType: HDF5ElementType { get }
}

extension HDF5Scalar {
  /// Checks that a conformance names a numeric element type of the right size.
  static func checkLayout() {
    checkPrecondition(
      hdf5ElementType.memoryType != nil
        && MemoryLayout<Self>.size == hdf5ElementType.byteSize,
      "HDF5Scalar: \(Self.self) cannot be stored as \(hdf5ElementType)")
  }
}

extension Float: HDF5Scalar {
  /// `.float32`.
  public static var hdf5ElementType: HDF5ElementType { .float32 }
}

extension Double: HDF5Scalar {
  /// `.float64`.
  public static var hdf5ElementType: HDF5ElementType { .float64 }
}

extension Int64: HDF5Scalar {
  /// `.int64`.
  public static var hdf5ElementType: HDF5ElementType { .int64 }
}

extension UInt8: HDF5Scalar {
  /// `.uint8`.
  public static var hdf5ElementType: HDF5ElementType { .uint8 }
}
