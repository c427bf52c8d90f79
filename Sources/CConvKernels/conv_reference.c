// The exact-order scalar references of the direct convolution: the plain loops whose order of
// fused multiply-adds defines the bits every ISA variant must give (conv_kernels.h), and the
// weight packing they all read.
#include <math.h>

#include "conv_chains.h"
#include "conv_kernels.h"

void reid_conv_forward_reference(
    const reid_conv_shape *s, const float *x, const float *w, float *y, int64_t row_begin,
    int64_t row_end) {
  const int64_t taps = s->kh * s->kw;
  for (int64_t row = row_begin; row < row_end; row++) {
    const int64_t n = row / s->ho, oh = row % s->ho;
    for (int64_t ow = 0; ow < s->wo; ow++) {
      float *out = y + (row * s->wo + ow) * s->cout;
      for (int64_t o = 0; o < s->cout; o++) {
        float acc = 0.0f;
        for (int64_t i = 0; i < s->kh; i++) {
          const int64_t ih = oh * s->stride_h - s->pad_h + i * s->dilation_h;
          if (ih < 0 || ih >= s->h) continue;
          for (int64_t j = 0; j < s->kw; j++) {
            const int64_t iw = ow * s->stride_w - s->pad_w + j * s->dilation_w;
            if (iw < 0 || iw >= s->w) continue;
            const float *in = x + ((n * s->h + ih) * s->w + iw) * s->cin;
            const int64_t t = i * s->kw + j;
            for (int64_t c = 0; c < s->cin; c++)
              acc = fmaf(in[c], w[reid_packed_index(taps, s->cin, t, c, o)], acc);
          }
        }
        out[o] = acc;
      }
    }
  }
}

void reid_conv_backward_data_reference(
    const reid_conv_shape *s, const float *dy, const float *w, float *dx, int64_t row_begin,
    int64_t row_end, int accumulate) {
  const int64_t taps = s->kh * s->kw;
  for (int64_t row = row_begin; row < row_end; row++) {
    const int64_t n = row / s->h, ih = row % s->h;
    for (int64_t iw = 0; iw < s->w; iw++) {
      float *out = dx + (row * s->w + iw) * s->cin;
      for (int64_t c = 0; c < s->cin; c++) {
        float acc = 0.0f;
        for (int64_t i = 0; i < s->kh; i++) {
          const int64_t th = ih + s->pad_h - i * s->dilation_h;
          if (th < 0 || th % s->stride_h != 0 || th / s->stride_h >= s->ho) continue;
          for (int64_t j = 0; j < s->kw; j++) {
            const int64_t tw = iw + s->pad_w - j * s->dilation_w;
            if (tw < 0 || tw % s->stride_w != 0 || tw / s->stride_w >= s->wo) continue;
            const float *in =
                dy + ((n * s->ho + th / s->stride_h) * s->wo + tw / s->stride_w) * s->cout;
            const int64_t t = i * s->kw + j;
            for (int64_t o = 0; o < s->cout; o++)
              acc = fmaf(in[o], w[reid_packed_index(taps, s->cout, t, o, c)], acc);
          }
        }
        out[c] = (accumulate ? out[c] : 0.0f) + acc;
      }
    }
  }
}

void reid_conv_weight_chains(
    const reid_conv_shape *s, const float *x, const float *dy, int64_t i, int64_t j,
    int64_t c_begin, int64_t c_end, int64_t o_begin, int64_t o_end, int64_t row_begin,
    int64_t row_end, float *dw) {
  for (int64_t c = c_begin; c < c_end; c++)
    for (int64_t o = o_begin; o < o_end; o++) {
      float *target = dw + ((i * s->kw + j) * s->cin + c) * s->cout + o;
      float acc = row_begin == 0 ? 0.0f : *target;
      for (int64_t row = row_begin; row < row_end; row++) {
        const int64_t n = row / s->ho, oh = row % s->ho;
        const int64_t ih = oh * s->stride_h - s->pad_h + i * s->dilation_h;
        if (ih < 0 || ih >= s->h) continue;
        for (int64_t ow = 0; ow < s->wo; ow++) {
          const int64_t iw = ow * s->stride_w - s->pad_w + j * s->dilation_w;
          if (iw < 0 || iw >= s->w) continue;
          acc = fmaf(
              x[((n * s->h + ih) * s->w + iw) * s->cin + c],
              dy[((n * s->ho + oh) * s->wo + ow) * s->cout + o], acc);
        }
      }
      *target = acc;
    }
}

void reid_conv_backward_weights_reference(
    const reid_conv_shape *s, const float *x, const float *dy, float *dw) {
  for (int64_t i = 0; i < s->kh; i++)
    for (int64_t j = 0; j < s->kw; j++)
      reid_conv_weight_chains(s, x, dy, i, j, 0, s->cin, 0, s->cout, 0, s->n * s->ho, dw);
}

/// Packs w (cout, cin, kh, kw) into blocks of 16 lanes: packed[lb][t][r][l] where the lane
/// lb * 16 + l is the output channel and r the input channel when lanes_are_outputs, the other
/// way round otherwise; the lane blocks of run `part` of `parts`.
static void pack(
    const reid_conv_shape *s, const float *w, int lanes_are_outputs, float *packed, int64_t part,
    int64_t parts) {
  const int64_t taps = s->kh * s->kw;
  const int64_t lanes = lanes_are_outputs ? s->cout : s->cin;
  const int64_t len = lanes_are_outputs ? s->cin : s->cout;
  const int64_t blocks = (lanes + REID_LANE_BLOCK - 1) / REID_LANE_BLOCK;
  // Written in order, read 16 rows of w at a time (they stay in cache across r): packing runs
  // every pass of every step, and the order of reads made it a tenth of a 1x7 forward.
  const int64_t lane_stride = (lanes_are_outputs ? s->cin : 1) * taps;
  const int64_t r_stride = (lanes_are_outputs ? 1 : s->cin) * taps;
  const int64_t lb_begin = blocks * part / parts, lb_end = blocks * (part + 1) / parts;
  float *target = packed + lb_begin * taps * len * REID_LANE_BLOCK;
  for (int64_t lb = lb_begin; lb < lb_end; lb++) {
    const int64_t valid = lanes - lb * REID_LANE_BLOCK;
    for (int64_t t = 0; t < taps; t++)
      for (int64_t r = 0; r < len; r++, target += REID_LANE_BLOCK) {
        const float *source = w + lb * REID_LANE_BLOCK * lane_stride + r * r_stride + t;
        for (int64_t l = 0; l < REID_LANE_BLOCK; l++)
          target[l] = l < valid ? source[l * lane_stride] : 0.0f;
      }
  }
}

static int64_t packed_count(int64_t lanes, int64_t len, int64_t taps) {
  return (lanes + REID_LANE_BLOCK - 1) / REID_LANE_BLOCK * REID_LANE_BLOCK * len * taps;
}

int64_t reid_conv_packed_forward_count(const reid_conv_shape *s) {
  return packed_count(s->cout, s->cin, s->kh * s->kw);
}

int64_t reid_conv_packed_backward_data_count(const reid_conv_shape *s) {
  return packed_count(s->cin, s->cout, s->kh * s->kw);
}

void reid_conv_pack_forward(
    const reid_conv_shape *s, const float *w, float *packed, int64_t part, int64_t parts) {
  pack(s, w, 1, packed, part, parts);
}

void reid_conv_pack_backward_data(
    const reid_conv_shape *s, const float *w, float *packed, int64_t part, int64_t parts) {
  pack(s, w, 0, packed, part, parts);
}

void reid_conv_add_weight_gradient(
    const reid_conv_shape *s, const float *packed, float *dw, int64_t part, int64_t parts) {
  const int64_t taps = s->kh * s->kw;
  const int64_t o_begin = s->cout * part / parts, o_end = s->cout * (part + 1) / parts;
  // Blocks of 16 output channels: each (t, c) reads 16 consecutive floats of packed, and the
  // block's 16 rows of dw stay in cache.
  for (int64_t o0 = o_begin; o0 < o_end; o0 += REID_LANE_BLOCK) {
    const int64_t o1 = o0 + REID_LANE_BLOCK < o_end ? o0 + REID_LANE_BLOCK : o_end;
    for (int64_t c = 0; c < s->cin; c++)
      for (int64_t t = 0; t < taps; t++) {
        const float *source = packed + (t * s->cin + c) * s->cout;
        for (int64_t o = o0; o < o1; o++) dw[(o * s->cin + c) * taps + t] += source[o];
      }
  }
}
