// What the references and the ISA variants share, private to the CConvKernels target.
#ifndef REID_CONV_CHAINS_H
#define REID_CONV_CHAINS_H

#include "conv_kernels.h"

/// The packed weight gradients dw[i][j][c][o] (layout (kh, kw, cin, cout)) of tap (i, j) for
/// c in [c_begin, c_end) and o in [o_begin, o_end), each one scalar FMA chain over the output
/// pixels in ascending order: the reference's order, so the variants' scalar tails use it too.
/// Only the output rows [row_begin, row_end) of the n * ho rows are summed here; a chain
/// starts from +0 when row_begin is 0 and otherwise continues from the value in dw, so calls
/// over consecutive row ranges give the bits of one call over all rows.
void reid_conv_weight_chains(
    const reid_conv_shape *s, const float *x, const float *dy, int64_t i, int64_t j,
    int64_t c_begin, int64_t c_end, int64_t o_begin, int64_t o_end, int64_t row_begin,
    int64_t row_end, float *dw);

#endif
