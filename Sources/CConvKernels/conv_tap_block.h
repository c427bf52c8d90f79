// One register block of the forward and backward-data kernels: TAP_PIXELS pixels by TAP_GROUP
// lane blocks (16 channels each, BLOCKS vectors of VEC lanes), defined as
// TAP_FN(TAP_PIXELS, TAP_GROUP). Included by conv_direct_isa.h once per block it uses, inside
// its ISA's definitions; not a header to include anywhere else. A template by inclusion so
// that the accumulators are arrays of constant size, indexed by constants only: the compiler
// then keeps all of them in registers (with sizes passed as constant arguments to an inlined
// function it did not, and spilled).

/// out[p * out_step + lane] (+)= the tap chains of the block, p < pixels, lane < lanes, as
/// `mode` (store_lanes's) says. w is the first lane block's packed weights, the next ones
/// follow every block_size floats. The loop always runs TAP_PIXELS pixels: missing pixels
/// read zeros (see reid_tap), and lanes past `lanes` have zero weights and are not stored.
static void TAP_FN(TAP_PIXELS, TAP_GROUP)(
    const reid_tap *taps, int ntaps, int64_t len, const float *w, int64_t block_size, float *out,
    int64_t out_step, int64_t pixels, int64_t lanes, int mode) {
  VTYPE acc[TAP_PIXELS][TAP_GROUP * BLOCKS];
  for (int p = 0; p < TAP_PIXELS; p++)
    for (int b = 0; b < TAP_GROUP * BLOCKS; b++) acc[p][b] = VZERO();
  for (int t = 0; t < ntaps; t++) {
    const float *wt = w + taps[t].w_offset;
    const float *in[TAP_PIXELS];
    for (int p = 0; p < TAP_PIXELS; p++) in[p] = taps[t].in[p];
    for (int64_t c = 0; c < len; c++, wt += REID_LANE_BLOCK) {
      VTYPE wv[TAP_GROUP * BLOCKS];
      for (int g = 0; g < TAP_GROUP; g++)
        for (int b = 0; b < BLOCKS; b++) wv[g * BLOCKS + b] = VLOAD(wt + g * block_size + b * VEC);
      for (int p = 0; p < TAP_PIXELS; p++) {
        const VTYPE xv = VSET1(in[p][c]);
        for (int b = 0; b < TAP_GROUP * BLOCKS; b++) acc[p][b] = VFMA(xv, wv[b], acc[p][b]);
      }
    }
  }
  for (int p = 0; p < TAP_PIXELS && p < pixels; p++)
    for (int g = 0; g < TAP_GROUP; g++) {
      float *target = out + p * out_step + g * REID_LANE_BLOCK;
      const int64_t block_lanes = lanes - g * REID_LANE_BLOCK;
      if (block_lanes >= REID_LANE_BLOCK) {
        for (int b = 0; b < BLOCKS; b++) {
          VTYPE chains = acc[p][g * BLOCKS + b];
          if (mode == ADD_CHAINS) chains = VADD(VLOAD(target + b * VEC), chains);
          if (mode == ADD_CHAINS_TO_ZERO) chains = VADD(VZERO(), chains);
          VSTORE(target + b * VEC, chains);
        }
      } else if (block_lanes > 0) {
        float block[REID_LANE_BLOCK];
        for (int b = 0; b < BLOCKS; b++) VSTORE(block + b * VEC, acc[p][g * BLOCKS + b]);
        store_lanes(target, block, block_lanes, mode);
      }
    }
}

#undef TAP_PIXELS
#undef TAP_GROUP
