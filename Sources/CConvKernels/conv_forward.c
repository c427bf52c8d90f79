// Direct NHWC convolution, forward. One output row (n, oh) at a time; along it, blocks of
// PIXELS output pixels by all output channels, the channels in vector lanes: per tap and
// input channel, one weight vector per channel block is loaded and each pixel's input scalar
// broadcast into PIXELS x blocks FMAs. Every lane runs the same FMA chain as the scalar
// reference, so the bits do not depend on the ISA or on how rows are split over threads.
#include <immintrin.h>
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

// One variant per ISA, from one template: VEC lanes, PIXELS pixels per block, BLOCKS vectors
// of channels per block (PIXELS * BLOCKS accumulators).
#define REID_DEFINE_FORWARD(NAME, TARGET, VEC, VTYPE, LOAD, STORE, SET1, ZERO, FMA, PIXELS, BLOCKS) \
  __attribute__((target(TARGET))) static void NAME##_block(                                     \
      const reid_conv_shape *s, const float *x, const float *w, float *y, int64_t n, int64_t oh, \
      int64_t ow0, int64_t pixels, int64_t o0) {                                                 \
    VTYPE acc[PIXELS][BLOCKS];                                                                   \
    for (int p = 0; p < PIXELS; p++)                                                             \
      for (int b = 0; b < BLOCKS; b++) acc[p][b] = ZERO();                                       \
    for (int64_t i = 0; i < s->kh; i++) {                                                        \
      const int64_t ih = oh * s->stride_h - s->pad_h + i * s->dilation_h;                        \
      if (ih < 0 || ih >= s->h) continue;                                                        \
      for (int64_t j = 0; j < s->kw; j++) {                                                      \
        const float *in[PIXELS];                                                                 \
        int inside[PIXELS];                                                                      \
        for (int p = 0; p < PIXELS; p++) {                                                       \
          const int64_t iw = (ow0 + p) * s->stride_w - s->pad_w + j * s->dilation_w;             \
          inside[p] = p < pixels && iw >= 0 && iw < s->w;                                        \
          in[p] = x + ((n * s->h + ih) * s->w + (inside[p] ? iw : 0)) * s->cin;                  \
        }                                                                                        \
        const float *tap = w + (i * s->kw + j) * s->cin * s->cout + o0;                          \
        if (pixels == PIXELS && inside[0] && inside[PIXELS - 1]) {                               \
          /* Every pixel's tap is inside (they are monotonic in p): the hot loop. */             \
          for (int64_t c = 0; c < s->cin; c++) {                                                 \
            VTYPE wv[BLOCKS];                                                                    \
            for (int b = 0; b < BLOCKS; b++) wv[b] = LOAD(tap + c * s->cout + b * VEC);          \
            for (int p = 0; p < PIXELS; p++) {                                                   \
              const VTYPE xv = SET1(in[p][c]);                                                   \
              for (int b = 0; b < BLOCKS; b++) acc[p][b] = FMA(xv, wv[b], acc[p][b]);            \
            }                                                                                    \
          }                                                                                      \
        } else {                                                                                 \
          for (int64_t c = 0; c < s->cin; c++) {                                                 \
            VTYPE wv[BLOCKS];                                                                    \
            for (int b = 0; b < BLOCKS; b++) wv[b] = LOAD(tap + c * s->cout + b * VEC);          \
            for (int p = 0; p < PIXELS; p++) {                                                   \
              if (!inside[p]) continue;                                                          \
              const VTYPE xv = SET1(in[p][c]);                                                   \
              for (int b = 0; b < BLOCKS; b++) acc[p][b] = FMA(xv, wv[b], acc[p][b]);            \
            }                                                                                    \
          }                                                                                      \
        }                                                                                        \
      }                                                                                          \
    }                                                                                            \
    for (int p = 0; p < pixels; p++) {                                                           \
      float *out = y + ((n * s->ho + oh) * s->wo + ow0 + p) * s->cout + o0;                      \
      for (int b = 0; b < BLOCKS; b++) STORE(out + b * VEC, acc[p][b]);                          \
    }                                                                                            \
  }                                                                                              \
                                                                                                 \
  __attribute__((target(TARGET))) void NAME(                                                     \
      const reid_conv_shape *s, const float *x, const float *w, float *y, int64_t row_begin,     \
      int64_t row_end) {                                                                         \
    const int64_t vectorized = s->cout / (VEC * BLOCKS) * (VEC * BLOCKS);                        \
    for (int64_t row = row_begin; row < row_end; row++) {                                        \
      const int64_t n = row / s->ho, oh = row % s->ho;                                           \
      for (int64_t o0 = 0; o0 < vectorized; o0 += VEC * BLOCKS)                                  \
        for (int64_t ow0 = 0; ow0 < s->wo; ow0 += PIXELS) {                                      \
          const int64_t pixels = s->wo - ow0 < PIXELS ? s->wo - ow0 : PIXELS;                    \
          NAME##_block(s, x, w, y, n, oh, ow0, pixels, o0);                                      \
        }                                                                                        \
      if (vectorized < s->cout) {                                                                \
        /* The channels left over: the reference's chain, one scalar at a time. */              \
        for (int64_t ow = 0; ow < s->wo; ow++)                                                   \
          for (int64_t o = vectorized; o < s->cout; o++) {                                       \
            float acc = 0.0f;                                                                    \
            for (int64_t i = 0; i < s->kh; i++) {                                                \
              const int64_t ih = oh * s->stride_h - s->pad_h + i * s->dilation_h;                \
              if (ih < 0 || ih >= s->h) continue;                                                \
              for (int64_t j = 0; j < s->kw; j++) {                                              \
                const int64_t iw = ow * s->stride_w - s->pad_w + j * s->dilation_w;              \
                if (iw < 0 || iw >= s->w) continue;                                              \
                const float *in = x + ((n * s->h + ih) * s->w + iw) * s->cin;                    \
                const float *tap = w + (i * s->kw + j) * s->cin * s->cout + o;                   \
                for (int64_t c = 0; c < s->cin; c++) acc = fmaf(in[c], tap[c * s->cout], acc);   \
              }                                                                                  \
            }                                                                                    \
            y[(row * s->wo + ow) * s->cout + o] = acc;                                           \
          }                                                                                      \
      }                                                                                          \
    }                                                                                            \
  }

// AVX2: 16 channels (2 vectors) x 6 pixels = 12 accumulators + 2 weights + 1 broadcast.
REID_DEFINE_FORWARD(reid_conv_forward_avx2, "avx2,fma", 8, __m256, _mm256_loadu_ps,
                    _mm256_storeu_ps, _mm256_set1_ps, _mm256_setzero_ps, _mm256_fmadd_ps, 6, 2)

// AVX-512: 16 channels (1 vector) x 12 pixels, the same 16-channel blocks as AVX2, so that the
// leftover channels (and so the scalar tail) are the same.
REID_DEFINE_FORWARD(reid_conv_forward_avx512, "avx512f", 16, __m512, _mm512_loadu_ps,
                    _mm512_storeu_ps, _mm512_set1_ps, _mm512_setzero_ps, _mm512_fmadd_ps, 12, 1)
