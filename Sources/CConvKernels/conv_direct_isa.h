// One ISA's direct convolution kernels, included by conv_direct.c once per ISA with ISA,
// ISA_TARGET, the vector macros (VEC lanes of VTYPE: VLOAD, VSTORE, VSET1, VZERO, VFMA, VADD)
// and the register blockings defined:
// - forward and backward-data: PIXELS output pixels x BLOCKS vectors of channels, where
//   BLOCKS * VEC == REID_LANE_BLOCK;
// - backward-weights: WEIGHT_CHANNELS input channels x WEIGHT_BLOCKS vectors of output
//   channels.
// Not a header to include anywhere else.

#ifndef REID_CAT
#define REID_CAT2(a, b) a##_##b
#define REID_CAT(a, b) REID_CAT2(a, b)
#endif
#define FN(name) REID_CAT(name, ISA)

#pragma clang attribute push(__attribute__((target(ISA_TARGET))), apply_to = function)

/// One block of output pixels by one lane block (16 channels, BLOCKS vectors):
/// out[p * out_step + lane] (+)= the tap chains, p < pixels, lane < lanes. w is the lane
/// block's packed weights. Every block runs the full PIXELS-pixel loop: missing pixels read
/// zeros (see reid_tap), and lanes past `lanes` have zero weights and are not stored.
static void FN(tap_block)(
    const reid_tap *taps, int ntaps, int64_t len, const float *w, float *out, int64_t out_step,
    int64_t pixels, int64_t lanes, int accumulate) {
  VTYPE acc[PIXELS][BLOCKS];
  for (int p = 0; p < PIXELS; p++)
    for (int b = 0; b < BLOCKS; b++) acc[p][b] = VZERO();
  for (int t = 0; t < ntaps; t++) {
    const float *wt = w + taps[t].w_offset;
    const float *in[PIXELS];
    for (int p = 0; p < PIXELS; p++) in[p] = taps[t].in[p];
    for (int64_t c = 0; c < len; c++, wt += REID_LANE_BLOCK) {
      VTYPE wv[BLOCKS];
      for (int b = 0; b < BLOCKS; b++) wv[b] = VLOAD(wt + b * VEC);
      for (int p = 0; p < PIXELS; p++) {
        const VTYPE xv = VSET1(in[p][c]);
        for (int b = 0; b < BLOCKS; b++) acc[p][b] = VFMA(xv, wv[b], acc[p][b]);
      }
    }
  }
  for (int p = 0; p < pixels; p++) {
    float *target = out + p * out_step;
    if (lanes == REID_LANE_BLOCK) {
      for (int b = 0; b < BLOCKS; b++)
        VSTORE(
            target + b * VEC,
            accumulate ? VADD(VLOAD(target + b * VEC), acc[p][b]) : acc[p][b]);
    } else {
      float block[REID_LANE_BLOCK];
      for (int b = 0; b < BLOCKS; b++) VSTORE(block + b * VEC, acc[p][b]);
      store_lanes(target, block, lanes, accumulate);
    }
  }
}

/// All lane blocks of a block of pixels: `lanes` channels of out, from weights packed in
/// blocks of 16 lanes over `len` reduction indices and `taps` taps.
static void FN(tap_lanes)(
    const reid_tap *taps, int ntaps, int64_t len, const float *w, int64_t kernel_taps,
    int64_t lanes, float *out, int64_t out_step, int64_t pixels, int accumulate) {
  const int64_t block_size = kernel_taps * len * REID_LANE_BLOCK;
  for (int64_t l0 = 0, lb = 0; l0 < lanes; l0 += REID_LANE_BLOCK, lb++)
    FN(tap_block)(
        taps, ntaps, len, w + lb * block_size, out + l0, out_step, pixels,
        min64(REID_LANE_BLOCK, lanes - l0), accumulate);
}

void FN(reid_conv_forward)(
    const reid_conv_shape *s, const float *x, const float *w, float *y, int64_t row_begin,
    int64_t row_end) {
  reid_tap taps[s->kh * s->kw];
  float zeros[s->cin];
  memset(zeros, 0, sizeof zeros);
  // Blocks of PIXELS consecutive output pixels of the rows, across row (and image) ends, so
  // that narrow maps (Inception's 14x6 and 6x2) still fill the register block.
  const int64_t m_end = row_end * s->wo;
  for (int64_t m0 = row_begin * s->wo; m0 < m_end; m0 += PIXELS) {
    const int64_t pixels = min64(PIXELS, m_end - m0);
    const int ntaps = forward_taps(s, x, zeros, m0, pixels, taps);
    FN(tap_lanes)(
        taps, ntaps, s->cin, w, s->kh * s->kw, s->cout, y + m0 * s->cout, s->cout, pixels, 0);
  }
}

void FN(reid_conv_backward_data)(
    const reid_conv_shape *s, const float *dy, const float *w, float *dx, int64_t row_begin,
    int64_t row_end) {
  reid_tap taps[s->kh * s->kw];
  float zeros[s->cout];
  memset(zeros, 0, sizeof zeros);
  int64_t n[PIXELS], ih[PIXELS], iw[PIXELS];
  if (s->stride_w == 1) {
    // Blocks of consecutive input pixels, across row ends.
    const int64_t m_end = row_end * s->w;
    for (int64_t m0 = row_begin * s->w; m0 < m_end; m0 += PIXELS) {
      const int64_t pixels = min64(PIXELS, m_end - m0);
      for (int64_t p = 0; p < pixels; p++) {
        iw[p] = (m0 + p) % s->w;
        ih[p] = (m0 + p) / s->w % s->h;
        n[p] = (m0 + p) / (s->w * s->h);
      }
      const int ntaps = backward_data_taps(s, dy, zeros, n, ih, iw, pixels, taps);
      FN(tap_lanes)(
          taps, ntaps, s->cout, w, s->kh * s->kw, s->cin, dx + m0 * s->cin, s->cin, pixels, 1);
    }
    return;
  }
  // Strided: the input columns of one residue modulo the stride see the same taps, so a
  // block takes them from one row.
  for (int64_t row = row_begin; row < row_end; row++)
    for (int64_t r = 0; r < s->stride_w && r < s->w; r++) {
      const int64_t count = (s->w - r + s->stride_w - 1) / s->stride_w;
      for (int64_t q0 = 0; q0 < count; q0 += PIXELS) {
        const int64_t pixels = min64(PIXELS, count - q0);
        for (int64_t p = 0; p < pixels; p++) {
          n[p] = row / s->h;
          ih[p] = row % s->h;
          iw[p] = r + s->stride_w * (q0 + p);
        }
        const int ntaps = backward_data_taps(s, dy, zeros, n, ih, iw, pixels, taps);
        FN(tap_lanes)(
            taps, ntaps, s->cout, w, s->kh * s->kw, s->cin, dx + (row * s->w + iw[0]) * s->cin,
            s->stride_w * s->cin, pixels, 1);
      }
    }
}

/// The packed weight gradient of tap (i, j), input channels c0 ..< c0 + channels, output
/// channels o0 ..< o0 + VEC * blocks: one chain per scalar over the output pixels in order.
static inline __attribute__((always_inline)) void FN(weight_block)(
    const reid_conv_shape *s, const float *x, const float *dy, int64_t i, int64_t j, int64_t c0,
    int64_t o0, float *dw, const int channels, const int blocks) {
  VTYPE acc[WEIGHT_CHANNELS][WEIGHT_BLOCKS];
  for (int q = 0; q < channels; q++)
    for (int b = 0; b < blocks; b++) acc[q][b] = VZERO();
  const int64_t offset = j * s->dilation_w - s->pad_w;
  const int64_t lo = max64(0, ceil_div(-offset, s->stride_w));
  const int64_t hi = min64(s->wo, floor_div(s->w - 1 - offset, s->stride_w) + 1);
  const int64_t x_step = s->stride_w * s->cin;
  for (int64_t n = 0; n < s->n && lo < hi; n++)
    for (int64_t oh = 0; oh < s->ho; oh++) {
      const int64_t ih = oh * s->stride_h - s->pad_h + i * s->dilation_h;
      if (ih < 0 || ih >= s->h) continue;
      const float *xp = x + ((n * s->h + ih) * s->w + lo * s->stride_w + offset) * s->cin + c0;
      const float *dp = dy + ((n * s->ho + oh) * s->wo + lo) * s->cout + o0;
      for (int64_t ow = lo; ow < hi; ow++, xp += x_step, dp += s->cout) {
        VTYPE dv[WEIGHT_BLOCKS];
        for (int b = 0; b < blocks; b++) dv[b] = VLOAD(dp + b * VEC);
        for (int q = 0; q < channels; q++) {
          const VTYPE xv = VSET1(xp[q]);
          for (int b = 0; b < blocks; b++) acc[q][b] = VFMA(xv, dv[b], acc[q][b]);
        }
      }
    }
  for (int q = 0; q < channels; q++)
    for (int b = 0; b < blocks; b++)
      VSTORE(dw + ((i * s->kw + j) * s->cin + c0 + q) * s->cout + o0 + b * VEC, acc[q][b]);
}

/// weight_block with its register block fixed at compile time: `channels` (1 ... WEIGHT_CHANNELS) input
/// channels by `blocks` (WEIGHT_BLOCKS or 1) vectors, so every tail keeps its chains in
/// registers.
static void FN(weight_block_sized)(
    const reid_conv_shape *s, const float *x, const float *dy, int64_t i, int64_t j, int64_t c0,
    int64_t o0, float *dw, int channels, int wide) {
#define REID_WEIGHT_CASE(k)                                                                  \
  case k:                                                                                    \
    if (wide)                                                                                \
      FN(weight_block)(s, x, dy, i, j, c0, o0, dw, k < WEIGHT_CHANNELS ? k : WEIGHT_CHANNELS, \
                       WEIGHT_BLOCKS);                                                       \
    else                                                                                     \
      FN(weight_block)(s, x, dy, i, j, c0, o0, dw, k < WEIGHT_CHANNELS ? k : WEIGHT_CHANNELS, \
                       1);                                                                   \
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
    const reid_conv_shape *s, const float *x, const float *dy, float *dw, int64_t part,
    int64_t parts) {
  // Output-channel chunks: groups of WEIGHT_BLOCKS vectors, single vectors, then one scalar
  // chunk; input-channel chunks: groups of WEIGHT_CHANNELS, then one of the rest.
  const int64_t wide = VEC * WEIGHT_BLOCKS;
  const int64_t wide_chunks = s->cout / wide;
  const int64_t vector_chunks = (s->cout - wide_chunks * wide) / VEC;
  const int64_t vectorized = wide_chunks * wide + vector_chunks * VEC;
  const int64_t o_chunks = wide_chunks + vector_chunks + (vectorized < s->cout);
  const int64_t c_chunks = (s->cin + WEIGHT_CHANNELS - 1) / WEIGHT_CHANNELS;
  const int64_t taps = s->kh * s->kw;
  // Items (output chunk, tap, input chunk), output chunk outermost so that a thread's items
  // share the same columns of dy; each item owns its scalars, so any split gives the same bits.
  const int64_t items = o_chunks * taps * c_chunks;
  const int64_t begin = items * part / parts, end = items * (part + 1) / parts;
  for (int64_t item = begin; item < end; item++) {
    const int64_t oc = item / (taps * c_chunks);
    const int64_t t = item / c_chunks % taps, cc = item % c_chunks;
    const int64_t i = t / s->kw, j = t % s->kw;
    const int64_t c0 = cc * WEIGHT_CHANNELS;
    const int channels = (int)min64(WEIGHT_CHANNELS, s->cin - c0);
    if (oc < wide_chunks) {
      FN(weight_block_sized)(s, x, dy, i, j, c0, oc * wide, dw, channels, 1);
    } else if (oc < wide_chunks + vector_chunks) {
      const int64_t o0 = wide_chunks * wide + (oc - wide_chunks) * VEC;
      FN(weight_block_sized)(s, x, dy, i, j, c0, o0, dw, channels, 0);
    } else {
      reid_conv_weight_chains(s, x, dy, i, j, c0, c0 + channels, vectorized, s->cout, dw);
    }
  }
}

#pragma clang attribute pop

#undef FN
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
#undef WEIGHT_CHANNELS
#undef WEIGHT_BLOCKS
