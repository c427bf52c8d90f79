import Cluster
import Foundation
import TensorCore

/// Joins the MPI job this process was launched in (`mpirun -np R reid ...`, `srun`), so that
/// `Processes.world` spans its processes; a process started on its own stays alone.
enum ClusterLaunch {
  nonisolated(unsafe) static var group: MPIProcessGroup?

  /// Starts MPI when an MPI launcher started this process (once).
  static func join() throws {
    guard group == nil, MPIProcessGroup.isLaunched else { return }
    let mpi = try MPIProcessGroup()
    group = mpi
    Processes.world = mpi
    if mpi.isPrimary {
      FileHandle.standardError.write(Data("reid: \(mpi.size) MPI processes\n".utf8))
    }
  }

  /// Ends MPI after every process is done (a no-op when alone).
  static func leave() {
    guard let group else { return }
    group.barrier()
    group.finalize()
    Processes.world = SingleProcess()
    Self.group = nil
  }
}
