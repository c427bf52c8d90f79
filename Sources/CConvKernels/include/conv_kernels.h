// Convolution micro-kernels in C with intrinsics (issue 13), and what they are measured
// against: the CPU's FP32 FMA peak. Every function with AVX-512 code carries its own target
// attribute, so the target builds at x86-64-v3 and the caller picks a variant at run time
// (reid_cpu_has_avx512f).
#ifndef REID_CONV_KERNELS_H
#define REID_CONV_KERNELS_H

#include <stdint.h>

/// 1 when this CPU (and its OS) runs AVX-512F instructions, 0 otherwise.
int reid_cpu_has_avx512f(void);

/// Runs `iterations` rounds of 12 independent FMA chains on 8-lane (AVX2) vectors: 192 flops
/// per round. Returns a value that depends on every chain, so the work is not optimized out.
float reid_fma_peak_avx2(int64_t iterations);

/// The same on 16-lane AVX-512 vectors: 384 flops per round. Call only when
/// reid_cpu_has_avx512f() is 1.
float reid_fma_peak_avx512(int64_t iterations);

#endif
