// One ISA's batch-norm reductions, included by norm_kernels.c with ISA, ISA_TARGET and BLOCK
// (channels whose sums stay in registers) defined. Written with clang's vector extensions:
// a vector of BLOCK floats is as many registers as the ISA needs, the same code on both.
// Not a header to include anywhere else.

#define NORM_CAT2(a, b) a##_##b
#define NORM_CAT(a, b) NORM_CAT2(a, b)
#define FN(name) NORM_CAT(name, ISA)

#pragma clang attribute push(__attribute__((target(ISA_TARGET))), apply_to = function)

typedef float FN(floats) __attribute__((ext_vector_type(BLOCK)));
typedef int32_t FN(ints) __attribute__((ext_vector_type(BLOCK)));
typedef double FN(doubles) __attribute__((ext_vector_type(BLOCK)));

// Unaligned loads and stores of a block (memcpy compiles to vector moves); the ReLU mask of
// BatchNormKernels.reluMasked on the forward's pre-activation v = x * scale + shift:
// g = v > 0 ? dy + 0 : 0, where dy + 0 turns -0 into +0; and the forward's ReLU as Swift's
// max(v, 0) computes it: v <= 0 ? +0 : v (NaN stays NaN). Macros, not functions: a function
// taking a 16-double vector would change the AVX2 calling convention (-Wpsabi).
// The rows of a block are a stride apart, which the hardware prefetchers follow poorly: the
// loads of a block's next rows start PREFETCH_ROWS rows ahead (a hint: past the end of the
// rows it fetches nothing that is used, and it never faults).
#define PREFETCH_ROWS 8
#define PREFETCH_BLOCK(p)                                             \
  for (int line = 0; line < BLOCK * (int)sizeof(float); line += 64) \
  __builtin_prefetch((const char *)(p) + line)
#define LOAD_BLOCK(v, p) __builtin_memcpy(&(v), (p), sizeof(v))
#define STORE_BLOCK(p, v) __builtin_memcpy((p), &(v), sizeof(v))
#define RELU_MASKED(dy, v) ((FN(floats))(((v) > 0) & (FN(ints))((dy) + 0.0f)))
#define RELU(v) ((FN(floats))((FN(ints))(v) & ~((v) <= 0)))

static inline float FN(relu_masked_scalar)(float dy, float v) { return v > 0 ? dy + 0.0f : 0.0f; }
static inline float FN(relu_scalar)(float v) { return v <= 0 ? 0.0f : v; }

void FN(reid_bn_add_sums)(
    const float *x, int64_t x_stride, int64_t rows, int64_t c0, int64_t c1, double *sum) {
  int64_t full = c0 + (c1 - c0) / BLOCK * BLOCK;
  for (int64_t r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
    int64_t r1 = r0 + CHUNK_ROWS < rows ? r0 + CHUNK_ROWS : rows;
    for (int64_t c = c0; c < full; c += BLOCK) {
      FN(doubles) s;
      LOAD_BLOCK(s, sum + c);
      for (int64_t r = r0; r < r1; r++) {
        FN(floats) xv;
        PREFETCH_BLOCK(x + (r + PREFETCH_ROWS) * x_stride + c);
        LOAD_BLOCK(xv, x + r * x_stride + c);
        s += __builtin_convertvector(xv, FN(doubles));
      }
      STORE_BLOCK(sum + c, s);
    }
    for (int64_t r = r0; r < r1; r++) {
      for (int64_t c = full; c < c1; c++) sum[c] += (double)x[r * x_stride + c];
    }
  }
}

void FN(reid_bn_add_squared_deviations)(
    const float *x, int64_t x_stride, int64_t rows, int64_t c0, int64_t c1, const double *mean,
    double *squares) {
  int64_t full = c0 + (c1 - c0) / BLOCK * BLOCK;
  for (int64_t r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
    int64_t r1 = r0 + CHUNK_ROWS < rows ? r0 + CHUNK_ROWS : rows;
    for (int64_t c = c0; c < full; c += BLOCK) {
      FN(doubles) q, m;
      LOAD_BLOCK(q, squares + c);
      LOAD_BLOCK(m, mean + c);
      for (int64_t r = r0; r < r1; r++) {
        FN(floats) xv;
        PREFETCH_BLOCK(x + (r + PREFETCH_ROWS) * x_stride + c);
        LOAD_BLOCK(xv, x + r * x_stride + c);
        FN(doubles) d = __builtin_convertvector(xv, FN(doubles)) - m;
        q += d * d;
      }
      STORE_BLOCK(squares + c, q);
    }
    for (int64_t r = r0; r < r1; r++) {
      for (int64_t c = full; c < c1; c++) {
        double d = (double)x[r * x_stride + c] - mean[c];
        squares[c] += d * d;
      }
    }
  }
}

void FN(reid_bn_add_gradient_sums)(
    const float *x, int64_t x_stride, const float *dy, int64_t dy_stride, int64_t rows,
    int64_t c0, int64_t c1, reid_bn_operands op, double *sum_dy, double *sum_dy_xhat) {
  int64_t full = c0 + (c1 - c0) / BLOCK * BLOCK;
  int relu = op.scale != 0 && op.shift != 0;
  float *activated = relu ? op.activated : 0;
  for (int64_t r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
    int64_t r1 = r0 + CHUNK_ROWS < rows ? r0 + CHUNK_ROWS : rows;
    for (int64_t c = c0; c < full; c += BLOCK) {
      FN(doubles) sd, sdx;
      FN(floats) mean, inv_std, scale = 0, shift = 0;
      LOAD_BLOCK(sd, sum_dy + c);
      LOAD_BLOCK(sdx, sum_dy_xhat + c);
      LOAD_BLOCK(mean, op.mean + c);
      LOAD_BLOCK(inv_std, op.inv_std + c);
      if (relu) {
        LOAD_BLOCK(scale, op.scale + c);
        LOAD_BLOCK(shift, op.shift + c);
      }
      for (int64_t r = r0; r < r1; r++) {
        FN(floats) xv, g;
        PREFETCH_BLOCK(x + (r + PREFETCH_ROWS) * x_stride + c);
        PREFETCH_BLOCK(dy + (r + PREFETCH_ROWS) * dy_stride + c);
        LOAD_BLOCK(xv, x + r * x_stride + c);
        LOAD_BLOCK(g, dy + r * dy_stride + c);
        if (relu) {
          FN(floats) v = xv * scale + shift;
          g = RELU_MASKED(g, v);
          if (activated) {
            FN(floats) a = RELU(v);
            STORE_BLOCK(activated + r * dy_stride + c, a);
          }
        }
        FN(floats) xhat = (xv - mean) * inv_std;
        sd += __builtin_convertvector(g, FN(doubles));
        sdx += __builtin_convertvector(g * xhat, FN(doubles));
      }
      STORE_BLOCK(sum_dy + c, sd);
      STORE_BLOCK(sum_dy_xhat + c, sdx);
    }
    for (int64_t r = r0; r < r1; r++) {
      for (int64_t c = full; c < c1; c++) {
        float xv = x[r * x_stride + c], g = dy[r * dy_stride + c];
        if (relu) {
          float v = xv * op.scale[c] + op.shift[c];
          g = FN(relu_masked_scalar)(g, v);
          if (activated) activated[r * dy_stride + c] = FN(relu_scalar)(v);
        }
        float xhat = (xv - op.mean[c]) * op.inv_std[c];
        sum_dy[c] += (double)g;
        sum_dy_xhat[c] += (double)(g * xhat);
      }
    }
  }
}

#pragma clang attribute pop

#undef FN
#undef LOAD_BLOCK
#undef PREFETCH_BLOCK
#undef PREFETCH_ROWS
#undef STORE_BLOCK
#undef RELU_MASKED
#undef RELU
#undef NORM_CAT
#undef NORM_CAT2
#undef ISA
#undef ISA_TARGET
#undef BLOCK
