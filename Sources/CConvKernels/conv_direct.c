// Direct NHWC convolution: forward, backward-data and backward-weights without im2col
// buffers. The ISA variants come from one template (conv_direct_isa.h) included once per ISA;
// what does not depend on the ISA (which taps reach a block of pixels, the scalar channel
// tails) is here. Every output scalar is the fused multiply-add chain of the references
// (conv_reference.c), so the bits depend on neither the ISA nor the thread split.
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conv_chains.h"
#include "conv_kernels.h"

/// The bytes of dy and x that backward-weights keeps in cache while it runs every work item
/// over one segment of output rows: within a core's L2. Each item loads and stores its
/// accumulators once per segment, so short segments cost that on few pixels: on Zen 4, with
/// the items in their present order, 384 KiB took 11 % less time than 96 KiB over both
/// backbones' weight gradients (3 alternations; Mixed_6a 3x3/2 288-384 105 -> 150-163
/// GFLOPS, Mixed_7b 3x3 +50 %), and 192-768 KiB were alike. (On Ice Lake, before the item
/// order, 96 KiB had measured best and 384 KiB 10-25 % slower on 14x6 maps: to re-measure.)
#define WEIGHT_SEGMENT_BYTES (384 * 1024)

/// The rows of x that backward-weights reads for output rows [row_begin, row_end) of the
/// n * ho rows: [*first, *end) in x's rows flattened over (image, row); empty when
/// *end <= *first.
static void weight_input_rows(
    const reid_conv_shape *s, int64_t row_begin, int64_t row_end, int64_t *first,
    int64_t *end) {
  const int64_t n0 = row_begin / s->ho, oh0 = row_begin % s->ho;
  const int64_t n1 = (row_end - 1) / s->ho, oh1 = (row_end - 1) % s->ho;
  const int64_t top = oh0 * s->stride_h - s->pad_h;
  const int64_t bottom = oh1 * s->stride_h - s->pad_h + (s->kh - 1) * s->dilation_h + 1;
  *first = n0 * s->h + (top < 0 ? 0 : top > s->h ? s->h : top);
  *end = n1 * s->h + (bottom < 0 ? 0 : bottom > s->h ? s->h : bottom);
}

/// Copies x's rows [first, end) channel chunk by channel chunk: chunk k (channels
/// k * width ..< min(cin, (k + 1) * width), `c` of them) goes to packed + k * width * pixels as
/// (pixels, c), pixels = (end - first) * w. Backward-weights then reads each chunk's inputs
/// for consecutive pixels from consecutive addresses instead of `c` floats out of every
/// cin: the x lines one work item reads over a segment fit in L1 beside its dy.
static void pack_weight_input(
    const reid_conv_shape *s, const float *x, int64_t first, int64_t end, int64_t width,
    float *packed) {
  const int64_t pixels = (end - first) * s->w;
  const float *source = x + first * s->w * s->cin;
  for (int64_t c0 = 0; c0 < s->cin; c0 += width) {
    const int64_t c = s->cin - c0 < width ? s->cin - c0 : width;
    float *target = packed + c0 * pixels;
    for (int64_t p = 0; p < pixels; p++)
      for (int64_t q = 0; q < c; q++) target[p * c + q] = source[p * s->cin + c0 + q];
  }
}

/// Whether backward-weights runs `s` over row patches: a stem's convolution of an RGB image
/// (cin <= 4, a kernel row wider than one tap, dilation_w 1, cout a multiple of 16), whose
/// work items would otherwise hold cin x 2 vectors of chains (6 accumulators for 3 channels:
/// DenseNet's 7x7/2 stem at 43 % of the FMA peak, Inception's Conv2d_1a at 20 %).
///
/// The kw taps (i, 0), ..., (i, kw - 1) of a kernel row then count as one tap over
/// kw * cin "channels" q = j * cin + c: the (kh, 1) convolution, stride_w 1 and no horizontal
/// padding, of the row patches x'(n, ih, ow)[q] = x(n, ih, ow * stride_w - pad_w + j)[c] (0
/// outside the image), on a map wo wide. Its packed weight gradient (kh, 1, kw * cin, cout) is
/// laid out as the stem's (kh, kw, cin, cout), and each scalar's chain has the same terms in
/// the same order, plus fma(0, dy, acc) == acc for a tap outside the image (the zeros of
/// reid_tap's note: only a zero result's sign can differ, never seen).
static int row_patches(const reid_conv_shape *s) {
  return s->cin <= 4 && s->kw > 1 && s->dilation_w == 1 && s->cout % REID_LANE_BLOCK == 0;
}

/// The (kh, 1) convolution of row patches that stands for s (row_patches).
static reid_conv_shape row_patch_shape(const reid_conv_shape *s) {
  reid_conv_shape patches = *s;
  patches.w = s->wo;
  patches.cin = s->kw * s->cin;
  patches.kw = 1;
  patches.stride_w = 1;
  patches.pad_w = 0;
  patches.dilation_w = 1;
  return patches;
}

/// pack_weight_input for row patches: the patches of x's rows [first, end), chunk k
/// (patch entries k * width ..< min(kw * cin, (k + 1) * width), `c` of them) at
/// packed + k * width * pixels as (pixels, c), pixels = (end - first) * wo.
static void pack_row_patches(
    const reid_conv_shape *s, const float *x, int64_t first, int64_t end, int64_t width,
    float *packed) {
  // Patch entry q of pixel (r, ow) is x's scalar (r * w + ow * stride_w - pad_w) * cin + q
  // (q = j * cin + c, NHWC): a pixel's patch is consecutive in x, but for the entries of
  // columns outside the image (a border pixel's), which are zeros.
  const int64_t entries = s->kw * s->cin, pixels = (end - first) * s->wo;
  for (int64_t q0 = 0; q0 < entries; q0 += width) {
    const int64_t c = entries - q0 < width ? entries - q0 : width;
    float *target = packed + q0 * pixels;
    for (int64_t r = first; r < end; r++)
      for (int64_t ow = 0; ow < s->wo; ow++, target += c) {
        const int64_t left = ow * s->stride_w - s->pad_w;
        const int64_t source = (r * s->w + left) * s->cin + q0;
        if (left >= 0 && left + s->kw <= s->w) {
          for (int64_t q = 0; q < c; q++) target[q] = x[source + q];
          continue;
        }
        for (int64_t q = 0; q < c; q++) {
          const int64_t column = left + (q0 + q) / s->cin;
          target[q] = column >= 0 && column < s->w ? x[source + q] : 0.0f;
        }
      }
  }
}

/// The most pixels of a register block (the 12 x 1 block of block_plan).
#define REID_MAX_PIXELS 12

/// One kernel tap as seen by a block of output pixels: each pixel's input vector for the tap,
/// and where the tap's weights start in a block of packed weights (t * len * 16).
///
/// A pixel that the tap misses (outside the image, or past the end of a partial block) points
/// at a vector of zeros instead, so that every block runs the same unbranched loop. That
/// leaves the bits of the reference, which skips such terms: a chain starts at +0 and does
/// not become -0 (an exact zero sum rounds to +0), so fma(0, w, acc) == acc for finite w.
/// One exception, with subnormals flushed (training's default): a negative partial sum under
/// FLT_MIN in magnitude flushes to -0, and a missed tap then gives +0 where the reference
/// keeps -0. Only the sign of a zero result can differ, and only if every later term of the
/// chain is zero too; no test or run has met it.
typedef struct {
  const float *in[REID_MAX_PIXELS];
  int64_t w_offset;
} reid_tap;

static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
static int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/// Keeps tap `count` when one of its first `slots` pixels reaches it (points anywhere but
/// `zeros`); returns the new count.
static int keep_tap(
    reid_tap *taps, int count, const float *zeros, int slots, int64_t w_offset) {
  int reached = 0;
  for (int p = 0; p < slots; p++) reached |= taps[count].in[p] != zeros;
  if (!reached) return count;
  taps[count].w_offset = w_offset;
  return count + 1;
}

/// The coordinates (image, row, column) of the pixels m0 + p * m_step, p < count, of maps
/// height x width flattened over (image, row, column). The first by division, the others by
/// stepping: 64-bit divisions per pixel were most of the time of building a block's taps.
static void pixel_coordinates(
    int64_t m0, int64_t m_step, int64_t height, int64_t width, int count, int64_t *n,
    int64_t *row, int64_t *col) {
  int64_t c = m0 % width, r = m0 / width % height, image = m0 / (width * height);
  for (int p = 0; p < count; p++) {
    n[p] = image, row[p] = r, col[p] = c;
    for (c += m_step; c >= width; c -= width)
      if (++r == height) r = 0, image++;
  }
}

/// The taps that a block's pixels reach in a map (height, width, channels) at `base`, in the
/// reference's order (i, j row-major), for the first `slots` pixels; returns their number.
/// Pixel p's window starts at map coordinates (top[p], left[p]), scalar offset origin[p], and
/// tap (i, j) moves it by `sign` * (i * dilation_h, j * dilation_w): +1 for forward (input
/// pixels under an output pixel's window), -1 for stride-1 backward-data (output pixels whose
/// windows hold an input pixel). Pixels that a tap misses point at `zeros`.
static inline int window_taps(
    const reid_conv_shape *s, const float *base, const float *zeros, const int64_t *top,
    const int64_t *left, const int64_t *origin, int slots, int64_t sign, int64_t height,
    int64_t width, int64_t channels, reid_tap *taps) {
  int count = 0;
  for (int64_t i = 0; i < s->kh; i++) {
    const int64_t dh = sign * i * s->dilation_h;
    for (int64_t j = 0; j < s->kw; j++) {
      const int64_t dw = sign * j * s->dilation_w, offset = (dh * width + dw) * channels;
      int reached = 0;
      for (int p = 0; p < slots; p++) {
        // Unsigned comparison: negative coordinates wrap past height and width.
        const int inside = (uint64_t)(top[p] + dh) < (uint64_t)height
                           && (uint64_t)(left[p] + dw) < (uint64_t)width;
        taps[count].in[p] = inside ? base + (origin[p] + offset) : zeros;
        reached |= inside;
      }
      if (reached) taps[count++].w_offset = (i * s->kw + j) * channels * REID_LANE_BLOCK;
    }
  }
  return count;
}

/// The taps of the forward block of output pixels m0 + p * m_step, p < pixels (flattened
/// over n, oh, ow: with m_step 1 a block may span rows and images, with m_step wo it is a
/// column), for the first `slots` (the register block's pixels) of each tap, in the
/// reference's order (i, j row-major); returns their number. zeros holds cin zeros.
///
/// This runs once per block of pixels and per tap, so with few input channels (the 3 of an
/// RGB image, 7x7 taps) it costs more than the block's arithmetic: each pixel's window origin
/// is computed once, each tap adds a fixed offset to it.
///
/// When every pixel's window lies inside the image horizontally (and dilation_w is 1), a
/// kernel row's taps (i, 0), ..., (i, kw - 1) read kw * cin consecutive inputs of each pixel,
/// in the chain's order (j, then the channels), and their packed weights are consecutive too:
/// the block then gets one tap per kernel row, of kw * cin terms, and *row_taps is set (else
/// cleared). The same terms in the same order, so the same bits, with a tap's fixed costs
/// (its pointers, the loop's start) paid kw times less: cin is 3 in the stems and 32-80 in
/// Inception's, where those costs held the forward to 20-85 % of the peak. zeros then holds
/// kw * cin zeros.
static int forward_taps(
    const reid_conv_shape *s, const float *x, const float *zeros, int64_t m0, int64_t m_step,
    int64_t pixels, int slots, reid_tap *taps, int *row_taps) {
  int64_t n[REID_MAX_PIXELS], oh[REID_MAX_PIXELS], ow[REID_MAX_PIXELS];
  int64_t top[REID_MAX_PIXELS], left[REID_MAX_PIXELS], origin[REID_MAX_PIXELS];
  pixel_coordinates(m0, m_step, s->ho, s->wo, slots, n, oh, ow);
  int rows_inside = s->dilation_w == 1 && s->kw > 1;
  for (int p = 0; p < slots; p++) {
    // A pixel past `pixels` reaches nothing.
    top[p] = p < pixels ? oh[p] * s->stride_h - s->pad_h : -s->h - s->kh * s->dilation_h;
    left[p] = ow[p] * s->stride_w - s->pad_w;
    origin[p] = ((n[p] * s->h + top[p]) * s->w + left[p]) * s->cin;
    if (p < pixels) rows_inside &= left[p] >= 0 && left[p] + s->kw <= s->w;
  }
  *row_taps = rows_inside;
  if (!rows_inside)
    return window_taps(s, x, zeros, top, left, origin, slots, 1, s->h, s->w, s->cin, taps);
  int count = 0;
  for (int64_t i = 0; i < s->kh; i++) {
    const int64_t dh = i * s->dilation_h, offset = dh * s->w * s->cin;
    int reached = 0;
    for (int p = 0; p < slots; p++) {
      const int inside = (uint64_t)(top[p] + dh) < (uint64_t)s->h;
      taps[count].in[p] = inside ? x + (origin[p] + offset) : zeros;
      reached |= inside;
    }
    if (reached) taps[count++].w_offset = i * s->kw * s->cin * REID_LANE_BLOCK;
  }
  return count;
}

/// The output pixel of dy whose window puts tap (i, j) on input pixel (n, ih, iw), or NULL.
static const float *backward_data_source(
    const reid_conv_shape *s, const float *dy, int64_t n, int64_t ih, int64_t iw, int64_t i,
    int64_t j) {
  const int64_t th = ih + s->pad_h - i * s->dilation_h;
  const int64_t tw = iw + s->pad_w - j * s->dilation_w;
  if (th < 0 || tw < 0) return NULL;
  // Most convolutions have stride 1: no 64-bit divisions then (four per tap and pixel).
  int64_t oh = th, ow = tw;
  if (s->stride_h != 1) {
    if (th % s->stride_h != 0) return NULL;
    oh = th / s->stride_h;
  }
  if (s->stride_w != 1) {
    if (tw % s->stride_w != 0) return NULL;
    ow = tw / s->stride_w;
  }
  if (oh >= s->ho || ow >= s->wo) return NULL;
  return dy + ((n * s->ho + oh) * s->wo + ow) * s->cout;
}

/// Whether forward and backward-data block their pixels by columns: with a kernel one row
/// tall and no vertical padding (1x7, 1x3), the pixels of one column use the same taps, while
/// a block along a row mixes border pixels, which miss some taps, with inner ones, and
/// computes the missed taps on zeros (2 of 7 on Inception's 6-wide maps).
static int blocks_by_column(const reid_conv_shape *s) {
  return s->kh == 1 && s->pad_h == 0 && s->kw > 1 && s->stride_h == 1 && s->stride_w == 1;
}

/// The taps of a backward-data block of input pixels (n[p], ih[p], iw[p]), p < pixels: the
/// output pixels whose windows hold them, in the reference's order, for the first `slots`
/// (the register block's pixels) of each tap. zeros holds cout zeros.
///
/// Not inlined: once the stride-1 path lost its divisions, clang inlined this into the
/// kernels, and the register blocks ran 25-30 % slower (one thread, DenseNet's 3x3 backward-
/// data 126-146 -> 92-109 GFLOPS); kept apart, they run 2-4 % faster than with the divisions.
///
/// With stride 1 (most convolutions) each pixel's output origin is computed once and each
/// tap subtracts a fixed offset from it, as in forward_taps: the general path's per-tap
/// lookups were 14 % of backward-data's time on DenseNet's and Inception's 3x3 shapes (one
/// thread, perf).
__attribute__((noinline)) static int backward_data_taps(
    const reid_conv_shape *s, const float *dy, const float *zeros, const int64_t *n,
    const int64_t *ih, const int64_t *iw, int64_t pixels, int slots, reid_tap *taps) {
  if (s->stride_h == 1 && s->stride_w == 1) {
    // The output pixel (oh, ow) = (ih + pad_h - i * dilation_h, iw + pad_w - j * dilation_w)
    // of tap (i, j); a pixel past `pixels` gets a row that every tap misses.
    int64_t top[REID_MAX_PIXELS], left[REID_MAX_PIXELS], origin[REID_MAX_PIXELS];
    for (int p = 0; p < slots; p++) {
      top[p] = p < pixels ? ih[p] + s->pad_h : -1;
      left[p] = p < pixels ? iw[p] + s->pad_w : 0;
      origin[p] = p < pixels ? ((n[p] * s->ho + top[p]) * s->wo + left[p]) * s->cout : 0;
    }
    return window_taps(s, dy, zeros, top, left, origin, slots, -1, s->ho, s->wo, s->cout, taps);
  }
  int count = 0;
  for (int64_t i = 0; i < s->kh; i++)
    for (int64_t j = 0; j < s->kw; j++) {
      for (int p = 0; p < slots; p++) {
        const float *source =
            p < pixels ? backward_data_source(s, dy, n[p], ih[p], iw[p], i, j) : NULL;
        taps[count].in[p] = source ? source : zeros;
      }
      count = keep_tap(taps, count, zeros, slots, (i * s->kw + j) * s->cout * REID_LANE_BLOCK);
    }
  return count;
}

/// Writes the first `lanes` lanes of a block's result for one pixel: target (+)= lanes of
/// `block`. For the last lane block of a channel count that is not a multiple of 16.
/// How a register block's chains reach their outputs.
enum {
  /// out = chain (forward: y is the chain).
  STORE_CHAINS = 0,
  /// out += chain (backward-data into a gradient that others add to as well).
  ADD_CHAINS = 1,
  /// out = 0 + chain: ADD_CHAINS's bits on a zeroed out (a -0 chain gives +0), without
  /// reading out (backward-data into a fresh gradient).
  ADD_CHAINS_TO_ZERO = 2,
};

/// The first `lanes` of a block's chains into target, as `mode` says.
static void store_lanes(float *target, const float *block, int64_t lanes, int mode) {
  for (int64_t l = 0; l < lanes; l++)
    target[l] = mode == ADD_CHAINS           ? target[l] + block[l]
                : mode == ADD_CHAINS_TO_ZERO ? 0.0f + block[l]
                                             : block[l];
}

/// The register block of forward or backward-data for `lanes` channels: pixel_block pixels
/// by `group` lane blocks, groups of lane blocks at a time (the last group may be narrower).
///
/// With one vector of 16 lanes per lane block (AVX-512), 12 pixels by one vector needs a
/// broadcast load per multiply-add, and on Intel cores (two 512-bit FMA units) that load
/// traffic held the kernels to 35-45 % of the FMA peak; several lane blocks per pixel share
/// each broadcast (docs/benchmarks.md, 2026-12-07). The blocking leaves every scalar's chain
/// as it is: it changes speed, never bits.
static void block_plan(
    int64_t lanes, int max_group, int single_group_pixels, int *pixel_block, int *group) {
  const int64_t lane_blocks = (lanes + REID_LANE_BLOCK - 1) / REID_LANE_BLOCK;
  if (max_group == 1 || lane_blocks == 1) {
    *pixel_block = max_group == 1 ? single_group_pixels : REID_MAX_PIXELS;
    *group = 1;
  } else if (lane_blocks == 2 || lane_blocks == 5
             || (lane_blocks % 3 == 0 && lane_blocks % 4 != 0)) {
    // 8 x 2 and 8 x 3 (16 and 24 accumulators) run as fast as 6 x 4, with no tail group or
    // (5 lane blocks: 8 x 3 then 8 x 2) a wide one, where 6 x 4 would leave a 6 x 1 tail
    // of a fifth of the work, one weight load and six broadcasts per six multiply-adds.
    *pixel_block = 8;
    *group = lane_blocks == 2 ? 2 : 3;
  } else {
    *pixel_block = 6;
    *group = 4;
  }
}

/// The packed weights that one sweep of forward or backward-data over its pixels may read
/// for every block of pixels: within a core's L2 (1-1.25 MiB on the machines seen) beside the
/// block's input.
#define SWEEP_WEIGHT_BYTES (384 * 1024)

/// The lanes (a multiple of 16) that one sweep over the pixels computes: all of them when
/// their packed weights fit in SWEEP_WEIGHT_BYTES, else one group of lane blocks at a time,
/// so that each pixel block reads its weights from L2 and not from L3 or memory (Inception's
/// Mixed_6a, 288 -> 384 channels, has 4 MiB of them). Either way each output scalar is
/// computed whole in one block: the order of sweeps changes no bits.
static int64_t sweep_lanes(int64_t lanes, int64_t len, int64_t taps, int group) {
  const int64_t blocks = (lanes + REID_LANE_BLOCK - 1) / REID_LANE_BLOCK;
  const int64_t bytes = blocks * REID_LANE_BLOCK * len * taps * (int64_t)sizeof(float);
  return (bytes <= SWEEP_WEIGHT_BYTES ? blocks : group) * REID_LANE_BLOCK;
}

// AVX2: forward and backward-data 6 pixels x 2 vectors (one lane block; 12 accumulators, 2
// weights, 1 broadcast of 16 ymm); backward-weights 6 input channels x 2 vectors of output
// channels.
#define ISA avx2
#define ISA_TARGET "avx2,fma"
#define VEC 8
#define VTYPE __m256
#define VLOAD _mm256_loadu_ps
#define VSTORE _mm256_storeu_ps
#define VSET1 _mm256_set1_ps
#define VZERO _mm256_setzero_ps
#define VFMA _mm256_fmadd_ps
#define VADD _mm256_add_ps
#define PIXELS 6
#define BLOCKS 2
#define MAX_GROUP 1
#define WEIGHT_CHANNELS 6
#define WEIGHT_BLOCKS 2
#include "conv_direct_isa.h"

// AVX-512 (32 zmm): forward and backward-data up to 4 lane blocks of one vector by 6-12
// pixels (block_plan; at most 24 accumulators); backward-weights 12 input channels x 2
// vectors of output channels.
#define ISA avx512
#define ISA_TARGET "avx512f"
#define VEC 16
#define VTYPE __m512
#define VLOAD _mm512_loadu_ps
#define VSTORE _mm512_storeu_ps
#define VSET1 _mm512_set1_ps
#define VZERO _mm512_setzero_ps
#define VFMA _mm512_fmadd_ps
#define VADD _mm512_add_ps
#define PIXELS 12
#define BLOCKS 1
#define MAX_GROUP 4
#define WEIGHT_CHANNELS 12
#define WEIGHT_BLOCKS 2
#include "conv_direct_isa.h"
