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

/// The sizes of one NHWC convolution: x (n, h, w, cin) -> y (n, ho, wo, cout).
typedef struct {
  int64_t n, h, w, cin, cout;
  int64_t kh, kw, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
  int64_t ho, wo;
} reid_conv_shape;

/// The lanes of one block of packed weights: the output channels (forward) or input channels
/// (backward-data) that one register block computes, 16 on every ISA (one AVX-512 vector, two
/// AVX2 ones), so that the blocking, and with it the bits, never depends on the ISA.
#define REID_LANE_BLOCK 16

/// The floats of packed forward weights: (ceil(cout / 16), kh, kw, cin, 16), lanes past cout
/// zero.
int64_t reid_conv_packed_forward_count(const reid_conv_shape *shape);

/// The floats of packed backward-data weights: (ceil(cin / 16), kh, kw, cout, 16).
int64_t reid_conv_packed_backward_data_count(const reid_conv_shape *shape);

/// Packs w (cout, cin, kh, kw) for the forward kernels: packed[lb][i][j][c][l] =
/// w[lb * 16 + l][c][i][j], zero past cout. Packs the lane blocks of run `part` of `parts`
/// equal runs, so that threads calling part 0 ..< parts pack all of them once.
void reid_conv_pack_forward(
    const reid_conv_shape *shape, const float *w, float *packed, int64_t part, int64_t parts);

/// Packs w (cout, cin, kh, kw) for the backward-data kernels: packed[lb][i][j][o][l] =
/// w[o][lb * 16 + l][i][j], zero past cin; lane blocks of run `part` of `parts`.
void reid_conv_pack_backward_data(
    const reid_conv_shape *shape, const float *w, float *packed, int64_t part, int64_t parts);

/// dw (cout, cin, kh, kw) += packed (kh, kw, cin, cout), the layout backward-weights writes,
/// for the output channels of run `part` of `parts`.
void reid_conv_add_weight_gradient(
    const reid_conv_shape *shape, const float *packed, float *dw, int64_t part, int64_t parts);

/// The index in packed weights of tap t, reduction index r (of len) and lane `lane`.
static inline int64_t reid_packed_index(
    int64_t taps, int64_t len, int64_t t, int64_t r, int64_t lane) {
  return ((lane / REID_LANE_BLOCK * taps + t) * len + r) * REID_LANE_BLOCK
      + lane % REID_LANE_BLOCK;
}

/// y = conv(x, w), direct (no im2col), over output rows [row_begin, row_end) of the n * ho
/// rows (so that threads can split them).
///
/// x: (n, h, w, cin); w: packed by reid_conv_pack_forward; y: (n, ho, wo, cout).
/// The order of the sum is fixed by the shape alone: each output scalar is one fused
/// multiply-add chain from 0 over the taps (i, j) in row-major order and, in each, cin in
/// ascending order; taps outside the image are skipped. So the scalar reference, the AVX2 and
/// the AVX-512 variants give the same bits.
void reid_conv_forward_reference(
    const reid_conv_shape *shape, const float *x, const float *w, float *y, int64_t row_begin,
    int64_t row_end);
void reid_conv_forward_avx2(
    const reid_conv_shape *shape, const float *x, const float *w, float *y, int64_t row_begin,
    int64_t row_end);
void reid_conv_forward_avx512(
    const reid_conv_shape *shape, const float *x, const float *w, float *y, int64_t row_begin,
    int64_t row_end);

/// dx += conv^T(dy, w) (accumulate 1), or dx = 0 + conv^T(dy, w) (accumulate 0: the bits of
/// accumulating into a zeroed dx, a -0 chain giving +0, without reading dx), direct, over
/// input rows [row_begin, row_end) of the n * h rows.
///
/// dy: (n, ho, wo, cout); w: packed by reid_conv_pack_backward_data; dx: (n, h, w, cin).
/// Each input-gradient scalar is one chain from 0 over the taps (i, j) in row-major order
/// whose window holds the pixel and, in each, cout in ascending order; then dx += the chain.
/// Every scalar of the rows is written, those that no window reaches included.
void reid_conv_backward_data_reference(
    const reid_conv_shape *shape, const float *dy, const float *w, float *dx, int64_t row_begin,
    int64_t row_end, int accumulate);
void reid_conv_backward_data_avx2(
    const reid_conv_shape *shape, const float *dy, const float *w, float *dx, int64_t row_begin,
    int64_t row_end, int accumulate);
void reid_conv_backward_data_avx512(
    const reid_conv_shape *shape, const float *dy, const float *w, float *dx, int64_t row_begin,
    int64_t row_end, int accumulate);

/// dw = the weight gradient of conv(x, w) for dy, direct, packed (kh, kw, cin, cout);
/// overwritten, not accumulated.
///
/// Each scalar is one chain from 0 over the output pixels (n, oh, ow) in ascending order
/// whose tap lies inside the image. The variants split their work items into `parts` equal
/// runs and compute run `part`, so threads calling part 0 ..< parts cover dw once, with the
/// same bits for any number of parts.
void reid_conv_backward_weights_reference(
    const reid_conv_shape *shape, const float *x, const float *dy, float *dw);
void reid_conv_backward_weights_avx2(
    const reid_conv_shape *shape, const float *x, const float *dy, float *dw, int64_t part,
    int64_t parts);
void reid_conv_backward_weights_avx512(
    const reid_conv_shape *shape, const float *x, const float *dy, float *dw, int64_t part,
    int64_t parts);

#endif
