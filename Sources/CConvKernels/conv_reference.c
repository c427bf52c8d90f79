// The exact-order scalar references of the direct convolution: the plain loops whose order of
// fused multiply-adds defines the bits every ISA variant must give (conv_kernels.h).
#include <math.h>

#include "conv_kernels.h"

void reid_conv_forward_reference(
    const reid_conv_shape *s, const float *x, const float *w, float *y, int64_t row_begin,
    int64_t row_end) {
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
            const float *tap = w + (i * s->kw + j) * s->cin * s->cout + o;
            for (int64_t c = 0; c < s->cin; c++) acc = fmaf(in[c], tap[c * s->cout], acc);
          }
        }
        out[o] = acc;
      }
    }
  }
}

void reid_conv_backward_data_reference(
    const reid_conv_shape *s, const float *dy, const float *w, float *dx, int64_t row_begin,
    int64_t row_end) {
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
            const float *tap = w + (i * s->kw + j) * s->cout * s->cin + c;
            for (int64_t o = 0; o < s->cout; o++) acc = fmaf(in[o], tap[o * s->cin], acc);
          }
        }
        out[c] += acc;
      }
    }
  }
}

void reid_conv_backward_weights_reference(
    const reid_conv_shape *s, const float *x, const float *dy, float *dw) {
  for (int64_t i = 0; i < s->kh; i++)
    for (int64_t j = 0; j < s->kw; j++)
      for (int64_t c = 0; c < s->cin; c++)
        for (int64_t o = 0; o < s->cout; o++) {
          float acc = 0.0f;
          for (int64_t n = 0; n < s->n; n++)
            for (int64_t oh = 0; oh < s->ho; oh++) {
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
          dw[((i * s->kw + j) * s->cin + c) * s->cout + o] = acc;
        }
}
