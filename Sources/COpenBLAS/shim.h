#include <cblas.h>
#include <xmmintrin.h>

/* OpenBLAS's thread-pool control, exported by libopenblas but absent from cblas.h. After
 * blas_thread_shutdown_ the next threaded call starts new workers from the calling thread. */
void blas_thread_shutdown_(void);

/* MXCSR bits: FTZ (bit 15) writes subnormal results as zero, DAZ (bit 6) reads subnormal
 * inputs as zero. Both are per thread; new threads inherit the creating thread's. */
static inline unsigned int reid_subnormal_mode_bits(void) { return 0x8040u; }
static inline unsigned int reid_get_mxcsr(void) { return _mm_getcsr(); }
static inline void reid_set_mxcsr(unsigned int value) { _mm_setcsr(value); }
