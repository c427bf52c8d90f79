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
    convolution: ConvolutionAlgorithm = .direct
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
/// OpenBLAS reads `OPENBLAS_CORETYPE` (and its other variables) once, when the library loads,
/// so a different kernel family needs a new process: `relaunchIfNeeded` sets the variables and
/// re-executes the current program with the same arguments (once; a marker variable prevents
/// loops).
public enum BLASRuntime {
  static let relaunchMarker = "REID_BLAS_RELAUNCHED"

  /// Whether the loaded kernel family is the requested one (case-insensitive).
  public static func coreMatches(_ coreType: String?) -> Bool {
    guard let coreType else { return true }
    return BLAS.coreName.lowercased() == coreType.lowercased()
  }

  /// How long OpenBLAS's idle worker threads spin before they sleep, as
  /// `OPENBLAS_THREAD_TIMEOUT` (2^value cycles; 4 is its minimum).
  ///
  /// By default they spin (`sched_yield`) for 2^28 cycles, about 0.1 s, after every call, so
  /// the direct convolution kernels' threads running between two sgemm calls find their core
  /// taken and run at half speed (measured: 100 instead of 180-200 GFLOPS, 2 threads). At 4
  /// they sleep at once, and waking them costs microseconds per sgemm call. The bits do not
  /// change.
  static let threadTimeout = (name: "OPENBLAS_THREAD_TIMEOUT", value: "4")

  /// Whether OpenBLAS loaded with `threadTimeout`.
  static var threadTimeoutMatches: Bool {
    getenv(threadTimeout.name).map { String(cString: $0) } == threadTimeout.value
  }

  /// Re-executes this program with `OPENBLAS_CORETYPE=coreType` (when the loaded kernel family
  /// differs) and `threadTimeout` (when it is not set); returns when nothing needs to change.
  ///
  /// - Throws: `BLASSettingsError` when a relaunch already happened and the family still
  ///   differs (an unknown name), or when exec fails.
  public static func relaunchIfNeeded(coreType: String?, arguments: [String]) throws {
    let coreDiffers = !coreMatches(coreType)
    guard coreDiffers || !threadTimeoutMatches else { return }
    if getenv(relaunchMarker) != nil {
      guard coreDiffers, let coreType else { return }
      throw BLASSettingsError(
        description: "OpenBLAS loaded kernel family \(BLAS.coreName) although "
          + "OPENBLAS_CORETYPE=\(coreType) was set; is '\(coreType)' a core type this "
          + "OpenBLAS build knows (\(BLAS.configString))?")
    }
    if coreDiffers, let coreType { setenv("OPENBLAS_CORETYPE", coreType, 1) }
    setenv(threadTimeout.name, threadTimeout.value, 1)
    setenv(relaunchMarker, "1", 1)
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    argv.append(nil)
    execv("/proc/self/exe", &argv)
    throw BLASSettingsError(
      description: "cannot re-execute with OPENBLAS_CORETYPE=\(coreType ?? "unset") and "
        + "\(threadTimeout.name)=\(threadTimeout.value): \(String(cString: strerror(errno)))")
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
    KernelThreads.count = settings.threads
    if settings.flushSubnormals {
      SubnormalMode.flushToZero()
    } else {
      SubnormalMode.computeExactly()
    }
  }
}
