#if canImport(Glibc)
  import Glibc
#endif

/// The BLAS settings of a run: the OpenBLAS kernel family, the thread count and how
/// convolutions run.
///
/// Both change the bits of every sgemm (docs/blas.md), so a run's config names them and its
/// manifest and checkpoints record what the process really got.
public struct BLASSettings: Codable, Hashable, Sendable {
  /// The project's kernel family (`Experiments/base.yaml`): OpenBLAS's AVX2 + FMA kernels,
  /// which run on every CPU this package is compiled for (x86-64-v3), so results repeat
  /// across machines (docs/blas.md).
  public static let defaultCoreType = "Haswell"

  /// An `OPENBLAS_CORETYPE` value (`Haswell`, `Zen`, `SkylakeX`, `Cooperlake`, ...), or nil to
  /// keep what the environment and OpenBLAS's detection chose.
  public var coreType: String?
  /// The number of BLAS threads.
  public var threads: Int
  /// Whether subnormal floats are flushed to zero (`SubnormalMode`).
  public var flushSubnormals: Bool
  /// How convolutions that are not pointwise run; the direct kernels use `threads` threads.
  public var convolution: ConvolutionAlgorithm

  /// Settings with the given core type, thread count, subnormal mode and convolutions.
  public init(
    coreType: String? = nil, threads: Int = 2, flushSubnormals: Bool = true,
    convolution: ConvolutionAlgorithm = .im2col
  ) {
    self.coreType = coreType
    self.threads = threads
    self.flushSubnormals = flushSubnormals
    self.convolution = convolution
  }
}

/// A BLAS setting this process cannot honour.
public struct BLASSettingsError: Error, CustomStringConvertible {
  public let description: String
}

/// Applies `BLASSettings` to this process.
///
/// OpenBLAS reads `OPENBLAS_CORETYPE` once, when the library loads, so a different kernel
/// family needs a new process: `relaunchIfNeeded` sets the variable and re-executes the
/// current program with the same arguments (once; a marker variable prevents loops).
public enum BLASRuntime {
  static let relaunchMarker = "REID_BLAS_RELAUNCHED"

  /// Whether the loaded kernel family is the requested one (case-insensitive).
  public static func coreMatches(_ coreType: String?) -> Bool {
    guard let coreType else { return true }
    return BLAS.coreName.lowercased() == coreType.lowercased()
  }

  /// Re-executes this program with `OPENBLAS_CORETYPE=coreType` when the loaded kernel family
  /// differs; returns when nothing needs to change.
  ///
  /// - Throws: `BLASSettingsError` when a relaunch already happened and the family still
  ///   differs (an unknown name), or when exec fails.
  public static func relaunchIfNeeded(coreType: String?, arguments: [String]) throws {
    guard !coreMatches(coreType), let coreType else { return }
    if getenv(relaunchMarker) != nil {
      throw BLASSettingsError(
        description: "OpenBLAS loaded kernel family \(BLAS.coreName) although "
          + "OPENBLAS_CORETYPE=\(coreType) was set; is '\(coreType)' a core type this "
          + "OpenBLAS build knows (\(BLAS.configString))?")
    }
    setenv("OPENBLAS_CORETYPE", coreType, 1)
    setenv(relaunchMarker, "1", 1)
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    argv.append(nil)
    execv("/proc/self/exe", &argv)
    throw BLASSettingsError(
      description:
        "cannot re-execute with OPENBLAS_CORETYPE=\(coreType): \(String(cString: strerror(errno)))")
  }

  /// Sets the thread count and the subnormal mode and checks the kernel family; call after
  /// `relaunchIfNeeded`, from the main thread, before the program starts other threads.
  public static func apply(_ settings: BLASSettings) throws {
    guard settings.threads >= 1 else {
      throw BLASSettingsError(
        description: "blas.threads must be at least 1, got \(settings.threads)")
    }
    guard coreMatches(settings.coreType) else {
      throw BLASSettingsError(
        description: "blas.core_type is \(settings.coreType ?? "") but OpenBLAS runs "
          + "\(BLAS.coreName); start a new process with OPENBLAS_CORETYPE set")
    }
    BLAS.setThreads(settings.threads)
    Convolution.algorithm = settings.convolution
    DirectConvolution.threads = settings.threads
    if settings.flushSubnormals {
      SubnormalMode.flushToZero()
    } else {
      SubnormalMode.computeExactly()
    }
  }
}
