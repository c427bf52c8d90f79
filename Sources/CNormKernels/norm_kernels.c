// The batch-norm reductions (norm_kernels.h), one template (norm_kernels_isa.h) included once
// per ISA. The sums of a block of BLOCK channels stay in registers over a chunk of rows, then
// the next block of channels takes the same rows (from L1/L2). Each element goes through the
// same IEEE operations, in the same order, as in BatchNormKernels (no contraction:
// -ffp-contract=off), so the bits do not depend on the ISA, the blocking or the thread split.
#include "norm_kernels.h"

/// Rows per chunk: a chunk's rows of a block of channels are read once per block, so they
/// should stay in L2 while the blocks go by (CHUNK_ROWS rows x the pass's row bytes).
#define CHUNK_ROWS 64

#define ISA avx2
#define ISA_TARGET "avx2,fma"
#define BLOCK 16
#include "norm_kernels_isa.h"

#define ISA avx512
#define ISA_TARGET "avx512f"
#define BLOCK 32
#include "norm_kernels_isa.h"
