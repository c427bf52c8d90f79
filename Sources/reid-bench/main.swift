import Kernels

print("BLAS: \(BLAS.coreName), \(BLAS.threads) threads")
