// One ISA's direct convolution kernels, included by conv_direct.c once per ISA with ISA,
// ISA_TARGET, the vector macros (VEC lanes of VTYPE: VLOAD, VSTORE, VSET1, VZERO, VFMA, VADD)
// and the register blockings defined:
// - forward and backward-data: blocks of pixels by up to MAX_GROUP lane blocks of BLOCKS
//   vectors each (BLOCKS * VEC == REID_LANE_BLOCK), as block_plan picks them; PIXELS pixels
//   when MAX_GROUP is 1;
// - backward-weights: WEIGHT_CHANNELS input channels x WEIGHT_BLOCKS vectors of output
//   channels.
// Not a header to include anywhere else.

#ifndef REID_CAT
#define REID_CAT2(a, b) a##_##b
#define REID_CAT(a, b) REID_CAT2(a, b)
#endif
#define FN(name) REID_CAT(name, ISA)
#define TAP_FN3(isa, p, g) tap_block_##isa##_##p##x##g
#define TAP_FN2(isa, p, g) TAP_FN3(isa, p, g)
#define TAP_FN(p, g) TAP_FN2(ISA, p, g)

#pragma clang attribute push(__attribute__((target(ISA_TARGET))), apply_to = function)

// The register blocks of forward and backward-data (conv_tap_block.h): pixels by lane blocks,
// one function each, as block_plan hands them out on this ISA.
#if MAX_GROUP == 1
#define TAP_PIXELS PIXELS
#define TAP_GROUP 1
#include "conv_tap_block.h"
#else
#define TAP_PIXELS 12
#define TAP_GROUP 1
#include "conv_tap_block.h"
#define TAP_PIXELS 8
#define TAP_GROUP 2
#include "conv_tap_block.h"
#define TAP_PIXELS 8
#define TAP_GROUP 3
#include "conv_tap_block.h"
#define TAP_PIXELS 6
#define TAP_GROUP 1
#include "conv_tap_block.h"
#define TAP_PIXELS 6
#define TAP_GROUP 2
#include "conv_tap_block.h"
#define TAP_PIXELS 6
#define TAP_GROUP 3
#include "conv_tap_block.h"
#define TAP_PIXELS 6
#define TAP_GROUP 4
#include "conv_tap_block.h"
#endif

/// The register block of `pixel_block` pixels by `group` lane blocks.
static void FN(tap_block_sized)(
    const reid_tap *taps, int ntaps, int64_t len, const float *w, int64_t block_size, float *out,
    int64_t out_step, int64_t pixels, int64_t lanes, int mode, int pixel_block,
    int group) {
#define REID_TAP_CASE(P, G)                                                               \
  if (pixel_block == P && group == G) {                                                   \
    TAP_FN(P, G)(taps, ntaps, len, w, block_size, out, out_step, pixels, lanes, mode);       \
    return;                                                                               \
  }
#if MAX_GROUP == 1
  REID_TAP_CASE(PIXELS, 1)
#else
  REID_TAP_CASE(12, 1)
  REID_TAP_CASE(8, 2)
  REID_TAP_CASE(8, 3)
  REID_TAP_CASE(6, 1)
  REID_TAP_CASE(6, 2)
  REID_TAP_CASE(6, 3)
  REID_TAP_CASE(6, 4)
#endif
#undef REID_TAP_CASE
  abort();  // block_plan hands out no other block
}

/// All lane blocks of a block of pixels: `lanes` channels of out, from weights packed in
/// blocks of 16 lanes over `len` reduction indices and `kernel_taps` taps, `group` lane blocks
/// at a time (the last group may be narrower).
static void FN(tap_lanes)(
    const reid_tap *taps, int ntaps, int64_t len, const float *w, int64_t kernel_taps,
    int64_t lanes, float *out, int64_t out_step, int64_t pixels, int pixel_block, int group,
    int mode) {
  const int64_t block_size = kernel_taps * len * REID_LANE_BLOCK;
  const int64_t lane_blocks = (lanes + REID_LANE_BLOCK - 1) / REID_LANE_BLOCK;
  for (int64_t lb = 0; lb < lane_blocks; lb += group)
    FN(tap_block_sized)(
        taps, ntaps, len, w + lb * block_size, block_size, out + lb * REID_LANE_BLOCK, out_step,
        pixels, lanes - lb * REID_LANE_BLOCK, mode, pixel_block,
        (int)min64(group, lane_blocks - lb));
}

void FN(reid_conv_forward)(
    const reid_conv_shape *s, const float *x, const float *w, float *y, int64_t row_begin,
    int64_t row_end) {
  reid_tap taps[s->kh * s->kw];
  float zeros[s->kw * s->cin];  // a whole kernel row's inputs (forward_taps' row taps)
  memset(zeros, 0, sizeof zeros);
  int pixel_block, group, row_taps;
  block_plan(s->cout, MAX_GROUP, PIXELS, &pixel_block, &group);
  const int64_t kernel_taps = s->kh * s->kw;
  const int64_t sweep = sweep_lanes(s->cout, s->cin, kernel_taps, group);
  for (int64_t l0 = 0; l0 < s->cout; l0 += sweep) {
    const float *wl = w + l0 * kernel_taps * s->cin;
    const int64_t lanes = min64(sweep, s->cout - l0);
    if (blocks_by_column(s)) {
      // Blocks of one output column over consecutive rows (across images).
      for (int64_t ow = 0; ow < s->wo; ow++)
        for (int64_t r0 = row_begin; r0 < row_end; r0 += pixel_block) {
          const int64_t pixels = min64(pixel_block, row_end - r0), m0 = r0 * s->wo + ow;
          const int ntaps =
              forward_taps(s, x, zeros, m0, s->wo, pixels, pixel_block, taps, &row_taps);
          FN(tap_lanes)(
              taps, ntaps, row_taps ? s->kw * s->cin : s->cin, wl,
              row_taps ? s->kh : kernel_taps, lanes, y + m0 * s->cout + l0, s->wo * s->cout,
              pixels, pixel_block, group, STORE_CHAINS);
        }
      continue;
    }
    // Blocks of consecutive output pixels of the rows, across row (and image) ends, so that
    // narrow maps (Inception's 14x6 and 6x2) still fill the register block.
    const int64_t m_end = row_end * s->wo;
    for (int64_t m0 = row_begin * s->wo; m0 < m_end; m0 += pixel_block) {
      const int64_t pixels = min64(pixel_block, m_end - m0);
      const int ntaps =
          forward_taps(s, x, zeros, m0, 1, pixels, pixel_block, taps, &row_taps);
      FN(tap_lanes)(
          taps, ntaps, row_taps ? s->kw * s->cin : s->cin, wl, row_taps ? s->kh : kernel_taps,
          lanes, y + m0 * s->cout + l0, s->cout, pixels, pixel_block, group, STORE_CHAINS);
    }
  }
}

void FN(reid_conv_backward_data)(
    const reid_conv_shape *s, const float *dy, const float *w, float *dx, int64_t row_begin,
    int64_t row_end, int accumulate) {
  const int mode = accumulate ? ADD_CHAINS : ADD_CHAINS_TO_ZERO;
  reid_tap taps[s->kh * s->kw];
  float zeros[s->cout];
  memset(zeros, 0, sizeof zeros);
  int64_t n[REID_MAX_PIXELS], ih[REID_MAX_PIXELS], iw[REID_MAX_PIXELS];
  int pixel_block, group;
  block_plan(s->cin, MAX_GROUP, PIXELS, &pixel_block, &group);
  const int64_t kernel_taps = s->kh * s->kw;
  const int64_t sweep = sweep_lanes(s->cin, s->cout, kernel_taps, group);
  for (int64_t l0 = 0; l0 < s->cin; l0 += sweep) {
    const float *wl = w + l0 * kernel_taps * s->cout;
    const int64_t lanes = min64(sweep, s->cin - l0);
    if (blocks_by_column(s)) {
      // Blocks of one input column over consecutive rows (across images).
      for (int64_t col = 0; col < s->w; col++)
        for (int64_t r0 = row_begin; r0 < row_end; r0 += pixel_block) {
          const int64_t pixels = min64(pixel_block, row_end - r0);
          pixel_coordinates(r0 * s->w + col, s->w, s->h, s->w, (int)pixels, n, ih, iw);
          const int ntaps = backward_data_taps(s, dy, zeros, n, ih, iw, pixels, pixel_block, taps);
          FN(tap_lanes)(
              taps, ntaps, s->cout, wl, kernel_taps, lanes, dx + (r0 * s->w + col) * s->cin + l0,
              s->w * s->cin, pixels, pixel_block, group, mode);
        }
      continue;
    }
    if (s->stride_w == 1) {
      // Blocks of consecutive input pixels, across row ends.
      const int64_t m_end = row_end * s->w;
      for (int64_t m0 = row_begin * s->w; m0 < m_end; m0 += pixel_block) {
        const int64_t pixels = min64(pixel_block, m_end - m0);
        pixel_coordinates(m0, 1, s->h, s->w, (int)pixels, n, ih, iw);
        const int ntaps = backward_data_taps(s, dy, zeros, n, ih, iw, pixels, pixel_block, taps);
        FN(tap_lanes)(
            taps, ntaps, s->cout, wl, kernel_taps, lanes, dx + m0 * s->cin + l0, s->cin, pixels,
            pixel_block, group, mode);
      }
      continue;
    }
    // Strided: the input columns of one residue modulo the stride see the same taps, so a
    // block takes them from one row.
    for (int64_t row = row_begin; row < row_end; row++)
      for (int64_t r = 0; r < s->stride_w && r < s->w; r++) {
        const int64_t count = (s->w - r + s->stride_w - 1) / s->stride_w;
        for (int64_t q0 = 0; q0 < count; q0 += pixel_block) {
          const int64_t pixels = min64(pixel_block, count - q0);
          for (int64_t p = 0; p < pixels; p++) {
            n[p] = row / s->h;
            ih[p] = row % s->h;
            iw[p] = r + s->stride_w * (q0 + p);
          }
          const int ntaps = backward_data_taps(s, dy, zeros, n, ih, iw, pixels, pixel_block, taps);
          FN(tap_lanes)(
              taps, ntaps, s->cout, wl, kernel_taps, lanes,
              dx + (row * s->w + iw[0]) * s->cin + l0, s->stride_w * s->cin, pixels, pixel_block,
              group, mode);
        }
      }
  }
}

/// The packed weight gradient of tap (i, j), input channels c0 ..< c0 + channels, output
/// channels o0 ..< o0 + VEC * blocks, over output rows [row_begin, row_end): one chain per
/// scalar over the output pixels in order, from +0 on the first rows, else continued from dw
/// (as reid_conv_weight_chains). xc is the chunk of those input channels as
/// pack_weight_input lays it out, from x's row `first` on.
static inline __attribute__((always_inline)) void FN(weight_block)(
    const reid_conv_shape *s, const float *xc, int64_t first, const float *dy, int64_t i,
    int64_t j, int64_t c0, int64_t o0, int64_t row_begin, int64_t row_end, float *dw,
    const int channels, const int blocks) {
  float *target = dw + ((i * s->kw + j) * s->cin + c0) * s->cout + o0;
  VTYPE acc[WEIGHT_CHANNELS][WEIGHT_BLOCKS];
  for (int q = 0; q < channels; q++)
    for (int b = 0; b < blocks; b++)
      acc[q][b] = row_begin == 0 ? VZERO() : VLOAD(target + q * s->cout + b * VEC);
  const int64_t offset = j * s->dilation_w - s->pad_w;
  const int64_t lo = max64(0, ceil_div(-offset, s->stride_w));
  const int64_t hi = min64(s->wo, floor_div(s->w - 1 - offset, s->stride_w) + 1);
  const int64_t x_step = s->stride_w * channels;
  int64_t n = row_begin / s->ho, oh = row_begin % s->ho;
  int64_t row = row_begin;
  while (lo < hi) {
    // A run of pixels: the next rows' pixels [lo, hi) for as long as each row's x and dy
    // continue where the run's last ended (a 1x1 or kx1 kernel's rows on a map without
    // horizontal padding, across images when no row misses the tap), so that narrow maps
    // (14x6, 6x2) still run long loops. The run visits the pixels in the rows' order: the
    // same chains, the same bits.
    const float *xp = NULL, *dp = NULL;
    int64_t count = 0;
    for (; row < row_end; row++) {
      const int64_t ih = oh * s->stride_h - s->pad_h + i * s->dilation_h;
      if (ih >= 0 && ih < s->h) {
        const float *xr =
            xc + ((n * s->h + ih - first) * s->w + lo * s->stride_w + offset) * channels;
        const float *dr = dy + (row * s->wo + lo) * s->cout + o0;
        if (count == 0) {
          xp = xr, dp = dr;
        } else if (xr != xp + count * x_step || dr != dp + count * s->cout) {
          break;  // this row starts the next run
        }
        count += hi - lo;
      }
      if (++oh == s->ho) oh = 0, n++;
    }
    if (count == 0) break;
    for (int64_t k = 0; k < count; k++, xp += x_step, dp += s->cout) {
      VTYPE dv[WEIGHT_BLOCKS];
      for (int b = 0; b < blocks; b++) dv[b] = VLOAD(dp + b * VEC);
      for (int q = 0; q < channels; q++) {
        const VTYPE xv = VSET1(xp[q]);
        for (int b = 0; b < blocks; b++) acc[q][b] = VFMA(xv, dv[b], acc[q][b]);
      }
    }
  }
  for (int q = 0; q < channels; q++)
    for (int b = 0; b < blocks; b++) VSTORE(target + q * s->cout + b * VEC, acc[q][b]);
}

/// weight_block with its register block fixed at compile time: `channels` (1 ...
/// WEIGHT_CHANNELS) input channels by `blocks` (WEIGHT_BLOCKS or 1) vectors, so every tail
/// keeps its chains in registers.
static void FN(weight_block_sized)(
    const reid_conv_shape *s, const float *xc, int64_t first, const float *dy, int64_t i,
    int64_t j, int64_t c0, int64_t o0, int64_t row_begin, int64_t row_end, float *dw,
    int channels, int wide) {
#define REID_WEIGHT_CASE(k)                                                                \
  case k:                                                                                  \
    if (wide)                                                                              \
      FN(weight_block)(s, xc, first, dy, i, j, c0, o0, row_begin, row_end, dw,             \
                       k < WEIGHT_CHANNELS ? k : WEIGHT_CHANNELS, WEIGHT_BLOCKS);          \
    else                                                                                   \
      FN(weight_block)(s, xc, first, dy, i, j, c0, o0, row_begin, row_end, dw,             \
                       k < WEIGHT_CHANNELS ? k : WEIGHT_CHANNELS, 1);                      \
    return;
  switch (channels) {
    REID_WEIGHT_CASE(1)
    REID_WEIGHT_CASE(2)
    REID_WEIGHT_CASE(3)
    REID_WEIGHT_CASE(4)
    REID_WEIGHT_CASE(5)
    REID_WEIGHT_CASE(6)
    REID_WEIGHT_CASE(7)
    REID_WEIGHT_CASE(8)
    REID_WEIGHT_CASE(9)
    REID_WEIGHT_CASE(10)
    REID_WEIGHT_CASE(11)
    REID_WEIGHT_CASE(12)
  }
#undef REID_WEIGHT_CASE
}

void FN(reid_conv_backward_weights)(
    const reid_conv_shape *given, const float *x, const float *dy, float *dw, int64_t part,
    int64_t parts) {
  // A stem's weight gradient (row_patches) runs as the (kh, 1) convolution over row patches,
  // whose packed layout (kh, 1, kw * cin, cout) is the given one's (kh, kw, cin, cout).
  const int patches = row_patches(given);
  const reid_conv_shape patch_shape = patches ? row_patch_shape(given) : *given;
  const reid_conv_shape *s = &patch_shape;
  // Output-channel chunks: groups of WEIGHT_BLOCKS vectors, single vectors, then one scalar
  // chunk; input-channel chunks: groups of WEIGHT_CHANNELS, then one of the rest.
  const int64_t wide = VEC * WEIGHT_BLOCKS;
  const int64_t wide_chunks = s->cout / wide;
  const int64_t vector_chunks = (s->cout - wide_chunks * wide) / VEC;
  const int64_t vectorized = wide_chunks * wide + vector_chunks * VEC;
  const int64_t o_chunks = wide_chunks + vector_chunks + (vectorized < s->cout);
  const int64_t c_chunks = (s->cin + WEIGHT_CHANNELS - 1) / WEIGHT_CHANNELS;
  const int64_t taps = s->kh * s->kw;
  // Items (output chunk, input chunk, tap), output chunk outermost so that a thread's items
  // share the same columns of dy, taps innermost so that consecutive items read the same
  // channels of x (5-15 % faster than input chunks innermost); each item owns its scalars, so
  // any split gives the same bits.
  const int64_t items = o_chunks * taps * c_chunks;
  const int64_t begin = items * part / parts, end = items * (part + 1) / parts;
  // Every item runs over segments of output rows, all items on one segment before the next,
  // so that the segment's dy and x stay in cache (with whole maps, 60x28 ran at 40 % of the
  // rate of 14x6). Each chain goes on from dw where the last segment left it: the same order
  // of terms, the same bits.
  const int64_t rows = s->n * s->ho;
  const int64_t row_bytes = (s->wo * s->cout + s->stride_h * s->w * s->cin) * 4;
  const int64_t segment = max64(1, WEIGHT_SEGMENT_BYTES / max64(1, row_bytes));
  if (begin >= end) return;
  // Each segment's rows of x, repacked by chunks of input channels (pack_weight_input, or
  // pack_row_patches), in a buffer of this call's own sized for the longest segment.
  int64_t capacity = 0;
  for (int64_t row0 = 0; row0 < rows; row0 += segment) {
    int64_t first, last;
    weight_input_rows(s, row0, min64(rows, row0 + segment), &first, &last);
    capacity = max64(capacity, last - first);
  }
  float *packed = malloc((size_t)max64(1, capacity * s->w * s->cin) * sizeof(float));
  if (!packed) abort();
  for (int64_t row0 = 0; row0 < rows; row0 += segment) {
    const int64_t row1 = min64(rows, row0 + segment);
    int64_t first, last;
    weight_input_rows(s, row0, row1, &first, &last);
    // No rows when every tap of these rows lies in the padding: the items still store their
    // chains (+0 on the first rows).
    const int64_t pixels = max64(0, last - first) * s->w;
    if (pixels > 0 && patches) pack_row_patches(given, x, first, last, WEIGHT_CHANNELS, packed);
    if (pixels > 0 && !patches) pack_weight_input(s, x, first, last, WEIGHT_CHANNELS, packed);
    for (int64_t item = begin; item < end; item++) {
      const int64_t oc = item / (taps * c_chunks);
      const int64_t cc = item / taps % c_chunks, t = item % taps;
      const int64_t i = t / s->kw, j = t % s->kw;
      const int64_t c0 = cc * WEIGHT_CHANNELS;
      const int channels = (int)min64(WEIGHT_CHANNELS, s->cin - c0);
      const float *xc = packed + c0 * pixels;
      if (oc < wide_chunks) {
        FN(weight_block_sized)(
            s, xc, first, dy, i, j, c0, oc * wide, row0, row1, dw, channels, 1);
      } else if (oc < wide_chunks + vector_chunks) {
        const int64_t o0 = wide_chunks * wide + (oc - wide_chunks) * VEC;
        FN(weight_block_sized)(s, xc, first, dy, i, j, c0, o0, row0, row1, dw, channels, 0);
      } else {  // never with row patches: their cout is a multiple of 16
        reid_conv_weight_chains(
            s, x, dy, i, j, c0, c0 + channels, vectorized, s->cout, row0, row1, dw);
      }
    }
  }
  free(packed);
}

#pragma clang attribute pop

#undef FN
#undef TAP_FN
#undef TAP_FN2
#undef TAP_FN3
#undef ISA
#undef ISA_TARGET
#undef VEC
#undef VTYPE
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VZERO
#undef VFMA
#undef VADD
#undef PIXELS
#undef BLOCKS
#undef MAX_GROUP
#undef WEIGHT_CHANNELS
#undef WEIGHT_BLOCKS
