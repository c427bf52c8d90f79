// swift-tools-version: 6.1
// The CAN re-ID harness: a shared BLAS training core, the Cascade Attention Network, data,
// evaluation and a declarative experiment registry. See README.md and docs/.
import PackageDescription

/// Numeric modules are built for x86-64-v3 (AVX2, FMA): it about doubles in-cache elementwise
/// throughput. Swift never contracts a*x+y into an FMA, so the bits do not depend on this flag.
let numericFlags: [SwiftSetting] = [
  .unsafeFlags(["-Xcc", "-march=x86-64-v3", "-enforce-exclusivity=unchecked"])
]

let package = Package(
  name: "CANReID",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "reid", targets: ["reid"]),
    .executable(name: "reid-bench", targets: ["reid-bench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    // MARK: - C libraries (system, through pkg-config)
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(
      name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
    .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),

    // MARK: - Training core
    .target(name: "TensorCore", dependencies: ["CKernelThreads"], swiftSettings: numericFlags),
    .target(
      name: "Kernels",
      dependencies: ["TensorCore", "COpenBLAS", "CConvKernels", "CNormKernels", "CKernelThreads"],
      swiftSettings: numericFlags),
    .target(name: "Layers", dependencies: ["TensorCore", "Kernels"], swiftSettings: numericFlags),
    .target(name: "Losses", dependencies: ["TensorCore", "Kernels"], swiftSettings: numericFlags),
    .target(name: "Optim", dependencies: ["TensorCore", "Kernels"], swiftSettings: numericFlags),

    // Convolution micro-kernels in C with intrinsics, per-function ISA targets (x86-64-v3
    // baseline, AVX-512 variants chosen at run time).
    .target(
      name: "CConvKernels",
      cSettings: [.unsafeFlags(["-O3", "-march=x86-64-v3", "-ffp-contract=off"])]),

    // Batch-norm reductions in C: registers hold the sums over a chunk of rows, per ISA.
    .target(
      name: "CNormKernels",
      cSettings: [.unsafeFlags(["-O3", "-march=x86-64-v3", "-ffp-contract=off"])]),

    // The polling worker threads the kernels' parallel passes run on.
    .target(name: "CKernelThreads", cSettings: [.unsafeFlags(["-O2", "-march=x86-64-v3"])]),

    // oneDNN's convolution, linked by reid-bench only (the reference rate of issue 13).
    .target(name: "COneDNNBench", linkerSettings: [.linkedLibrary("dnnl")]),

    // MARK: - Models
    .target(
      name: "Models", dependencies: ["TensorCore", "Kernels", "Layers", "Checkpoint"],
      swiftSettings: numericFlags),

    // MARK: - I/O
    .target(name: "Checkpoint", dependencies: ["TensorCore", "CHDF5"]),
    .target(
      name: "ImageIO", dependencies: ["TensorCore", "CPNG", "CTurboJPEG"],
      swiftSettings: numericFlags),

    // MARK: - Figures: SVG line plots and PNG compositions (rank lists, heat maps, parsing)
    .target(name: "Figures", dependencies: ["ImageIO"], swiftSettings: numericFlags),

    // MARK: - Data
    .target(
      name: "ReIDData", dependencies: ["TensorCore", "ImageIO"], swiftSettings: numericFlags),

    // MARK: - Experiment harness
    .target(
      name: "Harness",
      dependencies: [
        "TensorCore", "Kernels", "Layers", "Losses", "Optim", "Checkpoint", "Models", "ImageIO",
        "ReIDData", "ReIDEval", "Figures",
        .product(name: "Yams", package: "Yams"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),

    // MARK: - Evaluation
    .target(
      name: "ReIDEval", dependencies: ["TensorCore", "Kernels", "Checkpoint"],
      swiftSettings: numericFlags),

    // MARK: - Cluster: MPI processes sharing a run's shards
    .target(name: "Cluster", dependencies: ["TensorCore", "CMPI"]),

    // MARK: - Executables
    .executableTarget(
      name: "reid",
      dependencies: [
        "TensorCore", "Kernels", "Checkpoint", "ImageIO", "ReIDData", "Models", "Harness",
        "ReIDEval", "ReIDCommandLine", "Cluster",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // The command-line options the two executables share.
    .target(
      name: "ReIDCommandLine",
      dependencies: [
        "Kernels", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(
      name: "reid-bench",
      dependencies: [
        "TensorCore", "Kernels", "Layers", "Losses", "Optim", "Models", "ImageIO", "ReIDData",
        "ReIDEval", "ReIDCommandLine", "CConvKernels", "COneDNNBench",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: numericFlags),

    // MARK: - Tests
    .target(name: "_TestSupport", dependencies: ["TensorCore"], swiftSettings: numericFlags),
    .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "_TestSupport"]),
    .testTarget(name: "KernelsTests", dependencies: ["Kernels", "CConvKernels", "_TestSupport"]),
    .testTarget(name: "LayersTests", dependencies: ["Layers", "Kernels", "_TestSupport"]),
    .testTarget(name: "LossesTests", dependencies: ["Losses", "_TestSupport"]),
    .testTarget(name: "OptimTests", dependencies: ["Optim", "_TestSupport"]),
    .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint", "_TestSupport"]),
    .testTarget(name: "HarnessTests", dependencies: ["Harness", "Models", "_TestSupport"]),
    .testTarget(name: "EndToEndTests", dependencies: ["reid", "ImageIO", "_TestSupport"]),
    .testTarget(
      name: "ModelsTests",
      dependencies: ["Models", "Layers", "Kernels", "Optim", "Checkpoint", "_TestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "_TestSupport"]),
    .testTarget(name: "FiguresTests", dependencies: ["Figures", "ImageIO"]),
    .testTarget(name: "ReIDDataTests", dependencies: ["ReIDData", "ImageIO", "_TestSupport"]),
    .testTarget(
      name: "ReIDEvalTests", dependencies: ["ReIDEval", "Checkpoint", "_TestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "TrainingCoreTests",
      dependencies: ["Layers", "Losses", "Optim", "Checkpoint", "_TestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
