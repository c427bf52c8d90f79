// OpenMPI from Swift. MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM and friends are macros over the
// addresses of extern globals (OMPI_PREDEFINED_GLOBAL), which Swift does not import; these
// static inline functions return them. reid_mpi_wait adds what MPI lacks: a bounded wait, so
// that a process whose peer died exits with a message instead of hanging.
#ifndef REID_CMPI_SHIM_H
#define REID_CMPI_SHIM_H

#include <mpi.h>
#include <unistd.h>

static inline MPI_Comm reid_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype reid_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype reid_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype reid_mpi_int(void) { return MPI_INT; }
static inline MPI_Op reid_mpi_max(void) { return MPI_MAX; }
static inline MPI_Request reid_mpi_request_null(void) { return MPI_REQUEST_NULL; }

/// MPI_Init_thread with MPI_THREAD_FUNNELED (only the main thread calls MPI) and errors
/// returned instead of aborting, so each failure is reported with what was being exchanged.
static inline int reid_mpi_init(void) {
  int provided = 0;
  int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  if (rc != MPI_SUCCESS) return rc;
  return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

/// Waits for a non-blocking request: MPI_SUCCESS when it completed, its MPI error code, or -1
/// when `timeout_seconds` passed first. Polls without sleeping for the first few thousand
/// tests (the usual wait on a peer a few microseconds behind), then sleeps 20 us between
/// tests so that an idle process gives its core back to the busy ones.
static inline int reid_mpi_wait(MPI_Request *request, double timeout_seconds) {
  double deadline = MPI_Wtime() + timeout_seconds;
  long polls = 0;
  for (;;) {
    int done = 0;
    int rc = MPI_Test(request, &done, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS) return rc;
    if (done) return MPI_SUCCESS;
    if (++polls > 4000) {
      if (MPI_Wtime() > deadline) return -1;
      usleep(20);
    }
  }
}

#endif
