import CMPI
import Foundation
import TensorCore

/// The processes of an `mpirun` / `srun` launch, over OpenMPI's `MPI_COMM_WORLD`.
///
/// Every exchange is a non-blocking MPI collective waited for with a bound
/// (`REID_MPI_TIMEOUT` seconds, default 300): when a peer dies, the launcher normally ends the
/// others at once; if it does not, each survivor gives up after the bound with a message
/// naming what it was exchanging, and aborts the job rather than hang.
public final class MPIProcessGroup: ProcessGroup {
  public let rank: Int
  public let size: Int
  /// Seconds an exchange may wait for the other processes.
  let timeout: Double
  private let comm: MPI_Comm
  private var finalized = false

  /// Whether this process was started by an MPI launcher (`mpirun`, or `srun` with PMI/PMIx).
  public static var isLaunched: Bool {
    let environment = ProcessInfo.processInfo.environment
    return ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"].contains { environment[$0] != nil }
  }

  /// Initializes MPI (once per process).
  /// - Throws: `ClusterError` when MPI cannot start.
  public init() throws {
    let rc = reid_mpi_init()
    guard rc == MPI_SUCCESS else {
      throw ClusterError(description: "MPI_Init failed: \(Self.errorString(rc))")
    }
    comm = reid_mpi_comm_world()
    var rank: Int32 = 0
    var size: Int32 = 0
    MPI_Comm_rank(comm, &rank)
    MPI_Comm_size(comm, &size)
    self.rank = Int(rank)
    self.size = Int(size)
    let configured = ProcessInfo.processInfo.environment["REID_MPI_TIMEOUT"].flatMap(Double.init)
    timeout = configured.map { max($0, 1) } ?? 300
  }

  /// Ends MPI (every process must call it; the executable does at exit).
  public func finalize() {
    guard !finalized else { return }
    finalized = true
    MPI_Finalize()
  }

  /// Ends every process of the job with `code` after printing `message` (a failed exchange:
  /// the step cannot continue with part of its batch).
  func abort(_ message: String, code: Int32 = 70) -> Never {
    FileHandle.standardError.write(Data("reid: rank \(rank) of \(size): \(message)\n".utf8))
    MPI_Abort(comm, code)
    exit(code)
  }

  /// Starts a non-blocking collective with `start` and waits for it within the bound;
  /// `receivedBytes` (from the other processes) and the time go to `CommunicationMeter`.
  func complete(_ what: String, receivedBytes: Int = 0, _ start: (inout MPI_Request?) -> Int32) {
    let begin = MPI_Wtime()
    defer {
      CommunicationMeter.tally.seconds += MPI_Wtime() - begin
      CommunicationMeter.tally.receivedBytes += receivedBytes
    }
    var request: MPI_Request? = reid_mpi_request_null()
    let started = start(&request)
    guard started == MPI_SUCCESS else {
      abort("\(what) failed: \(Self.errorString(started))")
    }
    let rc = reid_mpi_wait(&request, timeout)
    if rc == -1 {
      abort(
        "\(what) waited \(Int(timeout)) s for the other processes: one of them died or hangs "
          + "(REID_MPI_TIMEOUT sets the bound); rerun to resume from the last checkpoint")
    }
    guard rc == MPI_SUCCESS else { abort("\(what) failed: \(Self.errorString(rc))") }
  }

  public func exchange(shards: Int) -> any ShardExchange {
    MPIShardExchange(group: self, plan: ShardPlan(shards: shards, processes: size, rank: rank))
  }

  public func barrier() {
    complete("barrier") { MPI_Ibarrier(comm, &$0) }
  }

  public func allGatherRows(_ local: [Float]) -> [Float] {
    allGatherVariable(local, what: "feature values")
  }

  public func allGatherRows(_ local: [Double]) -> [Double] {
    allGatherVariable(local, what: "counts")
  }

  /// Every process's `local` (of any length), concatenated in rank order.
  func allGatherVariable<T: MPIScalar>(_ local: [T], what: String) -> [T] {
    let counts = allGather([Int32(local.count)], what: "the lengths of \(what)")
    var displacements = [Int32](repeating: 0, count: size)
    for i in 1..<max(size, 1) { displacements[i] = displacements[i - 1] + counts[i - 1] }
    let total = Int(counts.reduce(0, +))
    var result = [T](repeating: T.zero, count: total)
    local.withUnsafeBufferPointer { send in
      result.withUnsafeMutableBufferPointer { receive in
        complete(
          "gathering \(total) \(what)",
          receivedBytes: (total - local.count) * MemoryLayout<T>.size
        ) {
          MPI_Iallgatherv(
            send.baseAddress, Int32(local.count), T.mpiType, receive.baseAddress, counts,
            displacements, T.mpiType, comm, &$0)
        }
      }
    }
    return result
  }

  /// Every process's `local` (all of equal length), in rank order.
  func allGather<T: MPIScalar>(_ local: [T], what: String) -> [T] {
    var result = [T](repeating: T.zero, count: local.count * size)
    local.withUnsafeBufferPointer { send in
      result.withUnsafeMutableBufferPointer { receive in
        complete(
          "gathering \(what)", receivedBytes: local.count * (size - 1) * MemoryLayout<T>.size
        ) {
          MPI_Iallgather(
            send.baseAddress, Int32(local.count), T.mpiType, receive.baseAddress,
            Int32(local.count), T.mpiType, comm, &$0)
        }
      }
    }
    return result
  }

  /// The largest `value` of any process.
  func maximum(_ value: Int32) -> Int32 {
    var value = value
    var result: Int32 = 0
    complete("agreeing on a stop request") {
      MPI_Iallreduce(&value, &result, 1, reid_mpi_int(), reid_mpi_max(), comm, &$0)
    }
    return result
  }

  /// Each process sends `send[counts prefix]` block j to process j and receives process i's
  /// block for it at `receiveDisplacements[i]`.
  func allToAll(
    _ send: UnsafePointer<Float>, sendCounts: [Int32], sendDisplacements: [Int32],
    into receive: UnsafeMutablePointer<Float>, receiveCounts: [Int32],
    receiveDisplacements: [Int32], what: String
  ) {
    let received = receiveCounts.reduce(0) { $0 + Int($1) } - Int(receiveCounts[rank])
    complete(what, receivedBytes: received * MemoryLayout<Float>.size) {
      MPI_Ialltoallv(
        send, sendCounts, sendDisplacements, reid_mpi_float(), receive, receiveCounts,
        receiveDisplacements, reid_mpi_float(), comm, &$0)
    }
  }

  /// Every process's block of `counts[i]` floats at `displacements[i]` of `buffer`, on every
  /// process (each sends its own block, in place).
  func allGatherInPlace(
    _ buffer: UnsafeMutablePointer<Float>, counts: [Int32], displacements: [Int32], what: String
  ) {
    let received = counts.reduce(0) { $0 + Int($1) } - Int(counts[rank])
    complete(what, receivedBytes: received * MemoryLayout<Float>.size) {
      MPI_Iallgatherv(
        UnsafeRawPointer(bitPattern: 1), 0, reid_mpi_float(), buffer, counts, displacements,
        reid_mpi_float(), comm, &$0)
    }
  }

  static func errorString(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING))
    var length: Int32 = 0
    MPI_Error_string(code, &buffer, &length)
    return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

/// A cluster launch or exchange problem.
public struct ClusterError: Error, CustomStringConvertible {
  public var description: String
  public init(description: String) { self.description = description }
}

/// The scalars the exchanges send, with their MPI datatypes.
protocol MPIScalar {
  static var zero: Self { get }
  static var mpiType: MPI_Datatype { get }
}

extension Float: MPIScalar { static var mpiType: MPI_Datatype { reid_mpi_float() } }
extension Double: MPIScalar { static var mpiType: MPI_Datatype { reid_mpi_double() } }
extension Int32: MPIScalar { static var mpiType: MPI_Datatype { reid_mpi_int() } }
