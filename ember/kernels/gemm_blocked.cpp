// Goto-style blocked GEMM (Goto & van de Geijn, "Anatomy of High-Performance Matrix
// Multiplication", 2008), written for readability; the micro-kernel is a parameter.
// Loop order (outer to inner) and where each block lives:
//   jc over N by nc: B block (kc x nc) packed once, stays in L3/L2
//   pc over K by kc: one rank-kc update
//   ic over M by mc: A block (mc x kc) packed, stays in L2
//   jr, ir over the tiles: micro-kernel reads an MR x kc sliver of A (from L2) and a kc x NR
//   sliver of B that it keeps in L1 across the ir loop.
// Packing lays each sliver out in exactly the order the micro-kernel reads it, zero-padded to a
// full tile, which also turns transposed operands into the same layout at no extra cost.
// M,N,K: sizes; mc,kc,nc: cache blocks; mr,nr: micro-tile.
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>

#include "ember/kernels/gemm_kernels.h"

namespace ember::kernels::detail {

namespace {

// A packing buffer that lives as long as its thread and only grows: after the first call of a
// given size, gemm allocates nothing (a fresh large allocation would also cost page faults on
// every call, since big blocks come straight from mmap).
template <class T>
T* scratch(int slot, int64_t n) {
  struct Buffer {
    T* ptr = nullptr;
    int64_t size = 0;
    ~Buffer() { std::free(ptr); }
  };
  thread_local Buffer buffers[2];
  Buffer& b = buffers[slot];
  if (b.size < n) {
    std::free(b.ptr);
    b.ptr = static_cast<T*>(std::aligned_alloc(64, ((n * sizeof(T) + 63) / 64) * 64));
    if (!b.ptr) throw std::bad_alloc();
    b.size = n;
  }
  return b.ptr;
}

// Packs rows [i0, i0+m) x cols [p0, p0+kc) of op(A) into kc groups of mr values. The loops run
// along whichever direction is contiguous in memory, so reads stream; the scattered writes land
// in the small packed sliver (mr x kc), which stays in L1.
template <class T>
void pack_a(const MatrixRef<T>& A, int64_t i0, int64_t m, int64_t p0, int64_t kc, int64_t mr, T* out) {
  if (A.trans) {  // element (i, k) at A[k * lda + i]: rows of the packed sliver are contiguous
    for (int64_t k = 0; k < kc; ++k) {
      const T* src = A.at(i0, p0 + k).data;
      T* dst = out + k * mr;
      for (int64_t i = 0; i < m; ++i) dst[i] = src[i];
      for (int64_t i = m; i < mr; ++i) dst[i] = 0;
    }
    return;
  }
  for (int64_t i = 0; i < m; ++i) {  // element (i, k) at A[i * lda + k]: walk each row of A
    const T* src = A.at(i0 + i, p0).data;
    for (int64_t k = 0; k < kc; ++k) out[k * mr + i] = src[k];
  }
  for (int64_t i = m; i < mr; ++i)
    for (int64_t k = 0; k < kc; ++k) out[k * mr + i] = 0;
}

// Packs rows [p0, p0+kc) x cols [j0, j0+n) of op(B) into kc rows of nr values, reading along
// B's contiguous direction as pack_a does.
template <class T>
void pack_b(const MatrixRef<T>& B, int64_t p0, int64_t kc, int64_t j0, int64_t n, int64_t nr, T* out) {
  if (!B.trans) {  // element (k, j) at B[k * ldb + j]
    for (int64_t k = 0; k < kc; ++k) {
      const T* src = B.at(p0 + k, j0).data;
      T* dst = out + k * nr;
      for (int64_t j = 0; j < n; ++j) dst[j] = src[j];
      for (int64_t j = n; j < nr; ++j) dst[j] = 0;
    }
    return;
  }
  for (int64_t j = 0; j < n; ++j) {  // element (k, j) at B[j * ldb + k]: walk each row of B
    const T* src = B.at(p0, j0 + j).data;
    for (int64_t k = 0; k < kc; ++k) out[k * nr + j] = src[k];
  }
  for (int64_t j = n; j < nr; ++j)
    for (int64_t k = 0; k < kc; ++k) out[k * nr + j] = 0;
}

}  // namespace

// The loops of the file header over all of C, on `threads` threads that each own a range of rows:
// a thread packs its rows' A blocks (they stay in its own L2) and computes full rows of tiles; the
// threads share the packing of each B block. On one thread, the plain loop nest.
template <class T>
void gemm_blocked(const BlockedConfig<T>& cfg, const GemmPlan& plan, int64_t M, int64_t N, int64_t K,
                  const MatrixRef<T>& A, const MatrixRef<T>& B, const OutRef<T>& C, T alpha, T beta) {
  const int threads = plan.split == GemmSplit::SharedB ? plan.threads : 1;
  const int64_t mr = cfg.shape.mr, nr = cfg.shape.nr, mc = plan.mc, nc = plan.nc;
  const PackA<T> pack_a_fn = cfg.pack_a ? cfg.pack_a : &pack_a<T>;
  const PackB<T> pack_b_fn = cfg.pack_b ? cfg.pack_b : &pack_b<T>;
  T* packed_b = scratch<T>(0, nc * plan.kc);

#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    T* packed_a = scratch<T>(1, mc * plan.kc);
    const int me = omp_get_thread_num(), team = omp_get_num_threads();
    for (int64_t jc = 0; jc < N; jc += nc) {
      const int64_t nb = std::min(nc, N - jc);
      const int64_t b_panels = (nb + nr - 1) / nr;
      for (int64_t pc = 0; pc < K; pc += plan.kc) {
        const int64_t kc = std::min(plan.kc, K - pc);
        const T beta_block = pc == 0 ? beta : T(1);  // later K blocks add to the first's result
#pragma omp for schedule(static)
        for (int64_t jp = 0; jp < b_panels; ++jp) {
          const int64_t n = std::min(nr, nb - jp * nr);
          if (!plan.b_in_place || n < nr) pack_b_fn(B, pc, kc, jc + jp * nr, n, nr, packed_b + jp * nr * kc);
        }
        // (the implicit barrier above: B is packed before anyone reads it)
        // This thread's rows: an equal share of the row panels (whole mc blocks would leave one
        // thread 576 of 1024 rows), walked in blocks of at most mc.
        const int64_t m_panels = (M + mr - 1) / mr;
        const int64_t row_end = std::min(M, m_panels * (me + 1) / team * mr);
        for (int64_t ic = std::min(M, m_panels * me / team * mr); ic < row_end; ic += mc) {
          const int64_t mb = std::min(mc, row_end - ic), a_panels = (mb + mr - 1) / mr;
          for (int64_t ip = 0; ip < a_panels; ++ip) {
            const int64_t m = std::min(mr, mb - ip * mr);
            if (!plan.a_in_place || m < mr) pack_a_fn(A, ic + ip * mr, m, pc, kc, mr, packed_a + ip * mr * kc);
          }
          auto tile = [&](int64_t ip, int64_t jp) {
            const int64_t i = ic + ip * mr, j = jc + jp * nr;
            T* c = C.at(i, j).data;
            if (plan.b_in_place && j + nr <= N)
              cfg.kernel_b_in_place(kc, packed_a + ip * mr * kc, B.at(pc, j).data, B.ld, c, C.ld, alpha, beta_block,
                                    std::min(mr, M - i));
            else if (plan.a_in_place && i + mr <= M)
              cfg.kernel_in_place(kc, A.at(i, pc).data, A.trans ? 1 : A.ld, A.trans ? A.ld : 1,
                                  packed_b + jp * nr * kc, c, C.ld, alpha, beta_block, std::min(nr, N - j));
            else
              cfg.kernel(kc, packed_a + ip * mr * kc, packed_b + jp * nr * kc, c, C.ld, alpha, beta_block,
                         std::min(mr, M - i), std::min(nr, N - j));
          };
          // Tiles in (jr, ir) order, where consecutive tiles share the B sliver in L1; but with A
          // read in place, in (ir, jr) order, so that each A sliver comes from memory once and
          // serves its (at most a_in_place_panels) B panels from cache.
          if (plan.a_in_place) {
            for (int64_t ip = 0; ip < a_panels; ++ip)
              for (int64_t jp = 0; jp < b_panels; ++jp) tile(ip, jp);
          } else {
            for (int64_t jp = 0; jp < b_panels; ++jp)
              for (int64_t ip = 0; ip < a_panels; ++ip) tile(ip, jp);
          }
        }
#pragma omp barrier
      }
    }
  }
}

namespace {

// Portable micro-kernel: the accumulator tile is a small fixed-size array the compiler keeps in
// vector registers and unrolls; on a plain x86-64 build that means SSE2.
template <class T, int64_t MR, int64_t NR>
void micro_portable(int64_t kc, const T* a, const T* b, T* C, int64_t ldc, T alpha, T beta,
                    int64_t m, int64_t n) {
  T acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; ++k, a += MR, b += NR)
    for (int64_t i = 0; i < MR; ++i)
      for (int64_t j = 0; j < NR; ++j) acc[i][j] += a[i] * b[j];
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      C[i * ldc + j] = beta == T(0) ? alpha * acc[i][j] : alpha * acc[i][j] + beta * C[i * ldc + j];
}

}  // namespace

// 4 x 8 tiles, K blocks of 256 and A blocks of 128 rows (128 KiB of floats).
template <class T>
BlockedConfig<T> portable_config() {
  return {{4, 8, 1.0, 256, 128.0 * 256 * sizeof(T) / (1 << 20), false}, &micro_portable<T, 4, 8>};
}

template void gemm_blocked<float>(const BlockedConfig<float>&, const GemmPlan&, int64_t, int64_t, int64_t,
                                  const MatrixRef<float>&, const MatrixRef<float>&, const OutRef<float>&, float,
                                  float);
template void gemm_blocked<double>(const BlockedConfig<double>&, const GemmPlan&, int64_t, int64_t, int64_t,
                                   const MatrixRef<double>&, const MatrixRef<double>&, const OutRef<double>&, double,
                                   double);
template BlockedConfig<float> portable_config<float>();
template BlockedConfig<double> portable_config<double>();

}  // namespace ember::kernels::detail
