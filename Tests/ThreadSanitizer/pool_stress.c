// The kernel-thread pool (Sources/CKernelThreads) under ThreadSanitizer: `make test-tsan`.
//
// On x86 a too-weak memory order in the pool is invisible at run time except through the
// compiler; ThreadSanitizer checks the C11 model itself. The passes write plain (non-atomic)
// scalars that the caller reads after the pass, so a missing happens-before between a
// worker's part and the caller's return is reported as a data race. Meanwhile a second
// caller competes for the pool (when it is taken, the caller runs its parts alone), and the
// pool shrinks and grows. Zero fills split over the pool (from the thread that set the count)
// and from the second caller (on its own thread) are checked the same way. Exits non-zero on a
// wrong count, a byte left unzeroed, or a report (TSan's exit code 66).

#include "kernel_threads.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { MAX_PARTS = 8 };

typedef struct {
  int runs[MAX_PARTS];
  long values[MAX_PARTS];
} Record;

static void body(void *context, long part) {
  Record *record = context;
  record->runs[part] += 1;
  record->values[part] = part * 7 + 1;
}

/// Runs one pass of `parts` parts; returns 0 when every part ran once and its value is
/// visible.
static int pass(long parts) {
  Record record;
  memset(&record, 0, sizeof record);
  reid_pool_run(parts, body, &record);
  for (long part = 0; part < parts; part++)
    if (record.runs[part] != 1 || record.values[part] != part * 7 + 1) return 1;
  return 0;
}

/// Zero-fills `bytes` of `buffer` (filled with ones first) from byte `offset`; returns 0 when
/// exactly those bytes are zero, and the fill took `parts` parts.
static int zero_fill(unsigned char *buffer, size_t capacity, size_t offset, size_t bytes,
                     long parts) {
  memset(buffer, 1, capacity);
  if (reid_pool_zero(buffer + offset, bytes) != parts) return 1;
  for (size_t i = 0; i < capacity; i++)
    if (buffer[i] != (i >= offset && i < offset + bytes ? 0 : 1)) return 1;
  return 0;
}

enum { FILL_BYTES = 1 << 20 };

static void *second_caller(void *unused) {
  (void)unused;
  static unsigned char buffer[FILL_BYTES];
  for (int i = 0; i < 20000; i++) {
    if (pass(4) != 0) return (void *)1;
    if (i % 1000 == 0 && zero_fill(buffer, sizeof buffer, 4, sizeof buffer - 12, 1) != 0)
      return (void *)1;
  }
  return NULL;
}

int main(void) {
  if (reid_pool_set_threads(3) != 0 || reid_pool_threads() != 3) return 2;
  pthread_t thread;
  if (pthread_create(&thread, NULL, second_caller, NULL) != 0) return 2;
  static unsigned char buffer[FILL_BYTES];
  int failed = 0;
  for (long i = 0; i < 200000 && !failed; i++) {
    failed = pass(2 + i % 5);
    if (i % 2000 == 0)
      failed |= zero_fill(buffer, sizeof buffer, (size_t)i % 61, sizeof buffer - 64,
                          reid_pool_threads());
    if (i == 80000 && (reid_pool_set_threads(2) != 0 || reid_pool_threads() != 2)) return 2;
    if (i == 140000 && (reid_pool_set_threads(3) != 0 || reid_pool_threads() != 3)) return 2;
  }
  void *result;
  pthread_join(thread, &result);
  failed |= result != NULL;
  printf("pool stress under ThreadSanitizer: %s\n", failed ? "a part ran wrong" : "ok");
  return failed;
}
