// oneDNN's convolution on one NHWC shape, for reid-bench only: the reference a field engineer
// holds the direct kernels to (issue 13). Nothing in the library links this target.
#ifndef REID_ONEDNN_BENCH_H
#define REID_ONEDNN_BENCH_H

#include <stdint.h>

/// The sizes of one NHWC convolution (the fields of CConvKernels' reid_conv_shape).
typedef struct {
  int64_t n, h, w, cin, cout;
  int64_t kh, kw, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
  int64_t ho, wo;
} reid_onednn_shape;

typedef struct reid_onednn_conv reid_onednn_conv;

/// A ready primitive for pass 0 (forward training), 1 (backward-data) or 2
/// (backward-weights), with activations in NHWC and weights in the format oneDNN picks
/// (reordered once, outside the timing), operands filled with small values. NULL when oneDNN
/// refuses; then `error` holds why.
reid_onednn_conv *reid_onednn_conv_create(
    const reid_onednn_shape *shape, int pass, char *error, int64_t error_size);

/// Runs the primitive once and waits for it; 0 on success.
int reid_onednn_conv_execute(reid_onednn_conv *conv);

/// The implementation oneDNN chose (e.g. "brg:avx512_core", "jit:avx2").
const char *reid_onednn_conv_implementation(const reid_onednn_conv *conv);

void reid_onednn_conv_destroy(reid_onednn_conv *conv);

#endif
