// A pool of polling worker threads for the training core's short parallel passes
// (kernel_threads.h says why).
//
// One pass at a time. The caller publishes a pass in three stores: a closed ticket, then the
// pass's body, context and part count, then the open ticket. A ticket holds a generation in
// its high 32 bits and the next unclaimed part in the low 32 (all ones when closed). Every
// participant (the caller and each worker) claims parts by a compare-and-swap on the whole
// ticket, so a worker that wakes late, holding a ticket of a finished pass, can never claim a
// part of the next one (its compare fails). The caller returns when `finished` reaches the
// part count.
//
// An idle worker polls the ticket, calling sched_yield() between polls so that another
// runnable thread on its core (OpenBLAS's worker during an sgemm) is not delayed, for
// `SPIN_NS`; then it blocks on a condition variable. Workers beyond the thread count (after
// a shrink) block on `resize` instead, neither polling nor counted as sleepers. The caller
// broadcasts only when some worker sleeps (`sleepers`, read after the ticket store; both
// sequentially consistent, so a worker that goes to sleep either sees the new ticket or is
// seen sleeping).
//
// Workers run each pass under the caller's MXCSR control bits (subnormal flushing and
// rounding), so a pass gives the bits it would give on the caller's thread alone.

#define _GNU_SOURCE
#include "kernel_threads.h"

#include <errno.h>
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

enum { MAX_WORKERS = 255 };

/// How long an idle worker polls before it blocks. A training step's passes come every few
/// microseconds to milliseconds; on a Zen 4 VM, 20 us polls lost 5-15 % of a step (the
/// worker slept between passes), while 200 us, 2 ms and 20 ms measured alike.
static const long SPIN_NS = 200000;

/// The low half of a closed pass's ticket: above any part index.
static const uint64_t CLOSED = 0xffffffffu;

/// The MXCSR's control bits (rounding, flushing, exception masks), without the sticky
/// exception flags (bits 0-5) that almost every float operation sets.
static const unsigned MXCSR_CONTROL = ~0x3fu;

static struct {
  /// Claimed by every participant; on a cache line of its own, apart from `finished`, which
  /// the caller polls while the workers claim.
  _Alignas(64) _Atomic uint64_t ticket;
  _Atomic(reid_pool_body) body;
  _Atomic(void *) context;
  _Atomic long parts;
  _Atomic unsigned mxcsr;
  _Alignas(64) _Atomic long finished;
  _Alignas(64) atomic_flag busy;
  /// Workers started, and how many of them take part in passes (threads - 1).
  _Atomic int started;
  _Atomic int active;
  _Atomic int sleepers;
  pthread_mutex_t lock;
  /// The thread that last set the thread count, the only one whose zero fills use the pool.
  _Atomic(pthread_t) owner;
  /// Signalled when a pass starts with sleepers, and when `active` changes.
  pthread_cond_t wake;
  pthread_cond_t resize;
} pool = {
  .busy = ATOMIC_FLAG_INIT,
  .active = 0,
  .lock = PTHREAD_MUTEX_INITIALIZER,
  .wake = PTHREAD_COND_INITIALIZER,
  .resize = PTHREAD_COND_INITIALIZER,
};

static inline uint32_t generation(uint64_t ticket) { return (uint32_t)(ticket >> 32); }

static inline long nanoseconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long)t.tv_sec * 1000000000L + t.tv_nsec;
}

/// Claims and runs parts of the pass of generation `g` until none is left.
static void run_parts(uint32_t g) {
  uint64_t ticket = atomic_load_explicit(&pool.ticket, memory_order_acquire);
  while (generation(ticket) == g) {
    // Read before the claim: if a later pass has replaced them, the pass of this ticket was
    // closed first (`reid_pool_run`), so the claim below fails.
    long parts = atomic_load_explicit(&pool.parts, memory_order_acquire);
    reid_pool_body body = atomic_load_explicit(&pool.body, memory_order_acquire);
    void *context = atomic_load_explicit(&pool.context, memory_order_acquire);
    long part = (long)(uint32_t)ticket;
    if (part >= parts) return;
    if (!atomic_compare_exchange_weak_explicit(
            &pool.ticket, &ticket, ticket + 1, memory_order_acq_rel, memory_order_acquire))
      continue;
    body(context, part);
    atomic_fetch_add_explicit(&pool.finished, 1, memory_order_release);
    ticket = atomic_load_explicit(&pool.ticket, memory_order_acquire);
  }
}

/// Waits until the ticket's generation is no longer `seen`; returns the new ticket.
static uint64_t wait_for_pass(uint32_t seen) {
  uint64_t ticket = atomic_load_explicit(&pool.ticket, memory_order_acquire);
  if (generation(ticket) != seen) return ticket;
  long deadline = nanoseconds() + SPIN_NS;
  for (;;) {
    sched_yield();
    ticket = atomic_load_explicit(&pool.ticket, memory_order_acquire);
    if (generation(ticket) != seen) return ticket;
    if (nanoseconds() > deadline) break;
  }
  pthread_mutex_lock(&pool.lock);
  atomic_fetch_add(&pool.sleepers, 1);
  while (generation(ticket = atomic_load(&pool.ticket)) == seen)
    pthread_cond_wait(&pool.wake, &pool.lock);
  atomic_fetch_sub(&pool.sleepers, 1);
  pthread_mutex_unlock(&pool.lock);
  return ticket;
}

/// Blocks while the pool has fewer active workers than `index + 1` (after a shrink), so that
/// an idle worker neither polls nor counts as a sleeper to wake at every pass.
static void wait_until_active(int index) {
  if (index < atomic_load_explicit(&pool.active, memory_order_relaxed)) return;
  pthread_mutex_lock(&pool.lock);
  while (index >= atomic_load(&pool.active)) pthread_cond_wait(&pool.resize, &pool.lock);
  pthread_mutex_unlock(&pool.lock);
}

static void *worker_main(void *argument) {
  int index = (int)(intptr_t)argument;
  for (;;) {
    wait_until_active(index);
    uint32_t seen = generation(atomic_load(&pool.ticket));
    while (index < atomic_load_explicit(&pool.active, memory_order_relaxed)) {
      seen = generation(wait_for_pass(seen));
      unsigned mxcsr = atomic_load_explicit(&pool.mxcsr, memory_order_acquire);
      if ((_mm_getcsr() & MXCSR_CONTROL) != mxcsr) _mm_setcsr(mxcsr);
      run_parts(seen);
    }
  }
  return NULL;
}

int reid_pool_set_threads(int threads) {
  pthread_mutex_lock(&pool.lock);
  int workers = threads < 1 ? 0 : threads - 1;
  if (workers > MAX_WORKERS) workers = MAX_WORKERS;
  int started = atomic_load(&pool.started);
  int error = 0;
  for (; started < workers; started++) {
    pthread_attr_t attributes;
    if ((error = pthread_attr_init(&attributes)) != 0) break;
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    error = pthread_create(&thread, &attributes, worker_main, (void *)(intptr_t)started);
    pthread_attr_destroy(&attributes);
    if (error != 0) break;
    (void)pthread_setname_np(thread, "reid-kernels");
  }
  atomic_store(&pool.owner, pthread_self());
  atomic_store(&pool.started, started);
  atomic_store(&pool.active, workers < started ? workers : started);
  pthread_cond_broadcast(&pool.resize);
  pthread_mutex_unlock(&pool.lock);
  return error;
}

int reid_pool_threads(void) { return atomic_load(&pool.active) + 1; }

void reid_pool_run(long parts, reid_pool_body body, void *context) {
  // Alone when there is nothing to share, and when the pool is taken: a split inside a part
  // (whose pass already has every thread) or from a second thread.
  if (parts <= 1 || parts >= (long)CLOSED ||
      atomic_load_explicit(&pool.active, memory_order_relaxed) == 0 ||
      atomic_flag_test_and_set_explicit(&pool.busy, memory_order_acquire)) {
    for (long part = 0; part < parts; part++) body(context, part);
    return;
  }
  // Close the finished pass first: a late participant that read its ticket could otherwise
  // read the new part count and claim a part past the old pass's end (its ticket still
  // matching), running a part of the new pass twice. Closed, no old ticket matches: a
  // participant that reads any field stored below (release, after the closed ticket) also
  // sees the closed ticket in its compare-and-swap.
  uint32_t g = generation(atomic_load_explicit(&pool.ticket, memory_order_relaxed));
  atomic_store(&pool.ticket, (uint64_t)(g + 1) << 32 | CLOSED);
  atomic_store_explicit(&pool.body, body, memory_order_release);
  atomic_store_explicit(&pool.context, context, memory_order_release);
  atomic_store_explicit(&pool.parts, parts, memory_order_release);
  atomic_store_explicit(&pool.mxcsr, _mm_getcsr() & MXCSR_CONTROL, memory_order_release);
  atomic_store_explicit(&pool.finished, 0, memory_order_release);
  g += 2;
  atomic_store(&pool.ticket, (uint64_t)g << 32);
  if (atomic_load(&pool.sleepers) > 0) {
    pthread_mutex_lock(&pool.lock);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
  }
  run_parts(g);
  for (unsigned polls = 1; atomic_load_explicit(&pool.finished, memory_order_acquire) < parts;
       polls++) {
    if (polls % 64 == 0) sched_yield(); else _mm_pause();
  }
  atomic_flag_clear_explicit(&pool.busy, memory_order_release);
}

/// Zero fills below this run on the calling thread: a hand-off costs a few microseconds,
/// as long as clearing ~100 KiB.
static const size_t ZERO_PARALLEL_BYTES = 256 * 1024;

typedef struct {
  char *start;
  size_t bytes;
  long parts;
} zero_job;

/// Zeroes run `part` of the job's equal runs of whole 64-byte lines (the last one shorter).
static void zero_part(void *context, long part) {
  const zero_job *job = context;
  size_t lines = (job->bytes + 63) / 64;
  size_t begin = lines * (size_t)part / (size_t)job->parts * 64;
  size_t end = lines * (size_t)(part + 1) / (size_t)job->parts * 64;
  if (end > job->bytes) end = job->bytes;
  if (begin < end) memset(job->start + begin, 0, end - begin);
}

long reid_pool_zero(void *p, size_t bytes) {
  long threads = reid_pool_threads();
  if (bytes < ZERO_PARALLEL_BYTES || threads < 2 ||
      !pthread_equal(pthread_self(), atomic_load_explicit(&pool.owner, memory_order_relaxed))) {
    memset(p, 0, bytes);
    return 1;
  }
  zero_job job = {p, bytes, threads};
  reid_pool_run(threads, zero_part, &job);
  return threads;
}
