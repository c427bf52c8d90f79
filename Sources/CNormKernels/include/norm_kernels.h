// Batch-norm reductions in C (issue 13): the per-channel sums of a batch-norm pass over NHWC
// rows, which Swift's vectorizer ran 4 lanes wide with the sums in memory. Each channel's sum
// adds its rows first to last in double precision, as BatchNormKernels' Swift loops do, so
// every variant gives their bits. Variants per ISA (_avx2, _avx512); the caller picks one
// that the CPU runs (DirectConvolution.ISA.best).
//
// Every kernel covers the channels [c0, c1) of rows x (rows, x_stride), accumulating into
// the sums' entries [c0, c1); channel c's per-channel operands (mean, ...) are at index c.
#ifndef REID_NORM_KERNELS_H
#define REID_NORM_KERNELS_H

#include <stdint.h>

/// sum[c] += x[r][c] for r = 0, 1, ..., rows - 1.
void reid_bn_add_sums_avx2(
    const float *x, int64_t x_stride, int64_t rows, int64_t c0, int64_t c1, double *sum);
void reid_bn_add_sums_avx512(
    const float *x, int64_t x_stride, int64_t rows, int64_t c0, int64_t c1, double *sum);

/// d = (double)x[r][c] - mean[c]; squares[c] += d * d, row by row.
void reid_bn_add_squared_deviations_avx2(
    const float *x, int64_t x_stride, int64_t rows, int64_t c0, int64_t c1, const double *mean,
    double *squares);
void reid_bn_add_squared_deviations_avx512(
    const float *x, int64_t x_stride, int64_t rows, int64_t c0, int64_t c1, const double *mean,
    double *squares);

/// The per-channel operands of a batch-norm backward's sums. scale and shift, when non-null,
/// are the forward's affine map, whose ReLU masks dy: g = x * scale + shift > 0 ? dy + 0 : 0
/// (else g = dy). activated, when non-null (with scale and shift), receives the forward's
/// output on the way, a = x * scale + shift <= 0 ? +0 : x * scale + shift (Swift's
/// max(_, 0)), in dy's layout, for a caller that would otherwise read x again to recompute it.
typedef struct {
  const float *mean, *inv_std, *scale, *shift;
  float *activated;
} reid_bn_operands;

/// xhat = (x - mean) * inv_std; sum_dy[c] += (double)g; sum_dy_xhat[c] += (double)(g * xhat),
/// row by row, over x (rows, x_stride) and dy (rows, dy_stride); and the activated output of
/// channels [c0, c1) when the operands ask for it.
void reid_bn_add_gradient_sums_avx2(
    const float *x, int64_t x_stride, const float *dy, int64_t dy_stride, int64_t rows,
    int64_t c0, int64_t c1, reid_bn_operands operands, double *sum_dy, double *sum_dy_xhat);
void reid_bn_add_gradient_sums_avx512(
    const float *x, int64_t x_stride, const float *dy, int64_t dy_stride, int64_t rows,
    int64_t c0, int64_t c1, reid_bn_operands operands, double *sum_dy, double *sum_dy_xhat);

#endif
