#ifndef REID_KERNEL_THREADS_H
#define REID_KERNEL_THREADS_H

/// A pool of threads that stay awake between the short parallel passes of a training step.
///
/// A training step at 256x128 x 8 runs 700-900 parallel passes, many of them a few tens of
/// microseconds long. Handing one to a sleeping thread costs 30-45 us on a 2-vCPU virtual
/// machine (measured with Dispatch: a wake-up is an inter-processor interrupt and a halted
/// vCPU to restart), as much as the short passes themselves. Here, after its last part, a worker keeps polling for the next pass (yielding
/// the core to any other runnable thread, such as OpenBLAS's own workers, at each poll) for a
/// bounded time before it blocks.
///
/// Which thread runs which part is not fixed (parts are claimed in order, by whoever is free),
/// so a body must make its results independent of that, as the kernels of this project do.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Runs body(context, part) for part in [0, parts).
typedef void (*reid_pool_body)(void *context, long part);

/// Sets the number of threads a pass may use, the caller included (workers = threads - 1);
/// returns 0, or an errno value if a worker thread could not be started (the pool then keeps
/// the workers it has, and passes run on fewer threads). Workers beyond the count block until
/// it grows again.
int reid_pool_set_threads(int threads);

/// The number of threads a pass may use, the caller included.
int reid_pool_threads(void);

/// Runs body(context, part) for every part in [0, parts) on the calling thread and the
/// workers, each under the caller's MXCSR control bits, and returns once all have returned.
/// The calling thread runs them alone when parts <= 1, when the pool has no workers, and when
/// the pool is already running a pass (a call from inside a body, or from another thread).
void reid_pool_run(long parts, reid_pool_body body, void *context);

/// Sets the `bytes` bytes at `p` to zero: split over the pool when they are many (at least
/// 256 KiB) and the calling thread is the one that last set the thread count (the training
/// loop's), on the calling thread alone otherwise. A large zero fill on one core leaves the
/// other idle: zeroed gradient buffers were 1.5 % of a step's cycles, on one thread. Other
/// threads (a data loader) never take the pool from the training loop's passes this way.
/// Returns the number of parts the fill was split into (1: the calling thread alone).
long reid_pool_zero(void *p, size_t bytes);

#ifdef __cplusplus
}
#endif

#endif
