// The FP32 FMA peak: independent chains of fused multiply-adds, enough of them (12) to cover
// the FMA latency (4 cycles) times the FMA ports (2) of current x86 cores.
#include <immintrin.h>

#include "conv_kernels.h"

int reid_cpu_has_avx512f(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") ? 1 : 0;
}

#define REID_CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

__attribute__((target("avx2,fma"))) float reid_fma_peak_avx2(int64_t iterations) {
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
#define REID_DECLARE(i) __m256 c##i = _mm256_set1_ps((float)(i));
  REID_CHAINS(REID_DECLARE)
#undef REID_DECLARE
  for (int64_t n = 0; n < iterations; n++) {
#define REID_STEP(i) c##i = _mm256_fmadd_ps(c##i, a, b);
    REID_CHAINS(REID_STEP)
#undef REID_STEP
  }
  __m256 sum = _mm256_setzero_ps();
#define REID_SUM(i) sum = _mm256_add_ps(sum, c##i);
  REID_CHAINS(REID_SUM)
#undef REID_SUM
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  return lanes[0] + lanes[7];
}

__attribute__((target("avx512f"))) float reid_fma_peak_avx512(int64_t iterations) {
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
#define REID_DECLARE(i) __m512 c##i = _mm512_set1_ps((float)(i));
  REID_CHAINS(REID_DECLARE)
#undef REID_DECLARE
  for (int64_t n = 0; n < iterations; n++) {
#define REID_STEP(i) c##i = _mm512_fmadd_ps(c##i, a, b);
    REID_CHAINS(REID_STEP)
#undef REID_STEP
  }
  __m512 sum = _mm512_setzero_ps();
#define REID_SUM(i) sum = _mm512_add_ps(sum, c##i);
  REID_CHAINS(REID_SUM)
#undef REID_SUM
  return _mm512_reduce_add_ps(sum);
}
