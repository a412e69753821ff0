#include "ember/kernels/gemm_bf16.h"

#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>
#include <vector>

#include "ember/kernels/gemm.h"

namespace ember::kernels {

bool cpu_has_avx512_bf16() {
  static const bool has = __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512bf16") != 0;
  return has;
}

bool cpu_has_amx_bf16() {
  static const bool has = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 27) & 1)) return false;  // OSXSAVE: xgetbv works
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !((d >> 22) & 1) || !((d >> 24) & 1))
      return false;  // AMX-BF16 and AMX-TILE
    // The operating system must save the tile state (XCR0 bits 17 and 18) and let this process
    // use it: Linux asks for that once per process (ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA).
    unsigned lo = 0, hi = 0;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if (((lo >> 17) & 3) != 3) return false;
    constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
  }();
  return has;
}

namespace {

// Smaller products stay on the AVX512_BF16 kernel, whose packing pads less.
constexpr int64_t kAmxMinMacs = int64_t{1} << 15;

// op(X) (rows x cols) widened into a row-major float32 matrix.
std::vector<float> widen(const BFloat16* X, int64_t ld, bool trans, int64_t rows, int64_t cols) {
  std::vector<float> out(static_cast<std::size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) out[static_cast<std::size_t>(r * cols + c)] = trans ? X[c * ld + r] : X[r * ld + c];
  return out;
}

}  // namespace

void gemm_bf16(int64_t M, int64_t N, int64_t K, const BFloat16* A, int64_t lda, bool trans_a, const BFloat16* B,
               int64_t ldb, bool trans_b, float* C, int64_t ldc, float alpha, float beta) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {  // no products: C = beta * C (beta == 0: C is write-only)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) C[m * ldc + n] = beta == 0 ? 0.0f : beta * C[m * ldc + n];
    return;
  }
  const GemmKernel forced = gemm_kernel();
  if (forced == GemmKernel::Auto && M * N * K >= kAmxMinMacs && cpu_has_amx_bf16()) {
    detail::gemm_bf16_amx(M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, alpha, beta);
    return;
  }
  if (cpu_has_avx512_bf16() && (forced == GemmKernel::Auto || forced == GemmKernel::Avx512)) {
    detail::gemm_bf16_avx512(M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, alpha, beta);
    return;
  }
  const std::vector<float> a = widen(A, lda, trans_a, M, K), b = widen(B, ldb, trans_b, K, N);
  gemm(M, N, K, a.data(), K, false, b.data(), N, false, C, ldc, alpha, beta);
}

}  // namespace ember::kernels
