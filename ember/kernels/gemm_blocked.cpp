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

#include "ember/core/parallel.h"
#include "ember/kernels/gemm.h"

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
void pack_a(const T* A, int64_t lda, bool trans_a, int64_t i0, int64_t m, int64_t p0, int64_t kc,
            int64_t mr, T* out) {
  if (trans_a) {  // element (i, k) at A[k * lda + i]: rows of the packed sliver are contiguous
    for (int64_t k = 0; k < kc; ++k) {
      const T* src = A + (p0 + k) * lda + i0;
      T* dst = out + k * mr;
      for (int64_t i = 0; i < m; ++i) dst[i] = src[i];
      for (int64_t i = m; i < mr; ++i) dst[i] = 0;
    }
    return;
  }
  for (int64_t i = 0; i < m; ++i) {  // element (i, k) at A[i * lda + k]: walk each row of A
    const T* src = A + (i0 + i) * lda + p0;
    for (int64_t k = 0; k < kc; ++k) out[k * mr + i] = src[k];
  }
  for (int64_t i = m; i < mr; ++i)
    for (int64_t k = 0; k < kc; ++k) out[k * mr + i] = 0;
}

// Packs rows [p0, p0+kc) x cols [j0, j0+n) of op(B) into kc rows of nr values, reading along
// B's contiguous direction as pack_a does.
template <class T>
void pack_b(const T* B, int64_t ldb, bool trans_b, int64_t p0, int64_t kc, int64_t j0, int64_t n,
            int64_t nr, T* out) {
  if (!trans_b) {  // element (k, j) at B[k * ldb + j]
    for (int64_t k = 0; k < kc; ++k) {
      const T* src = B + (p0 + k) * ldb + j0;
      T* dst = out + k * nr;
      for (int64_t j = 0; j < n; ++j) dst[j] = src[j];
      for (int64_t j = n; j < nr; ++j) dst[j] = 0;
    }
    return;
  }
  for (int64_t j = 0; j < n; ++j) {  // element (k, j) at B[j * ldb + k]: walk each row of B
    const T* src = B + (j0 + j) * ldb + p0;
    for (int64_t k = 0; k < kc; ++k) out[k * nr + j] = src[k];
  }
  for (int64_t j = n; j < nr; ++j)
    for (int64_t k = 0; k < kc; ++k) out[k * nr + j] = 0;
}

// Below this many multiply-adds (~10 us on one core) a product stays on one thread. With the
// training shapes split by column panels (no barriers), two threads run 64 x 100 x 784 in
// 96 us instead of 133 and the MLP step in 269 us instead of 308 (bench/ember_bench, 1 and 2
// threads); when the threads shared each A block, with barriers between packing and computing,
// a second thread made those shapes slower, and this bound stood at 2^24.
constexpr int64_t kParallelFlops = int64_t{1} << 20;

// Products with at most this many B panels (N <= 2 * nr) read A in place. Measured on the course's
// fc layer (50,000 x 784 @ 784 x 50): forward 83 -> 69 ms, backward 78 -> 67 ms on one core; at
// 7 panels (64 x 100 x 784) the two ways tie, and large squares lose 15% read in place.
constexpr int64_t kInPlacePanels = 2;
// The most of B's packed block (kc x nc) kept in L2 when A is read in place: a quarter of this
// machine's 1 MiB L2. On x @ w1 (K = 784 in one block instead of four) 66 -> 51 ms.
constexpr int64_t kInPlaceBlockBytes = 256 * 1024;

// The mirror image: products with at most this many A panels (M <= 24 * mr, 288 rows of 12 x 32
// tiles) read B's rows in place when B is not transposed; each packed B sliver would serve at most
// 24 tiles, too few to pay for packing it. Measured against packing B, interleaved: the LeNet
// conv2 forward 16 x 800 x 150 78.5 -> 106.8 GFLOP/s, the MLP's 64 x 784 x 100 (16 x 16 tiles,
// four panels) 99.4 -> 106.7 (both at a bound of 5 panels); raising the bound to 24 panels,
// 100 x 784 x 64 99.2 -> 103.1 and, on two threads (128 rows each), 256^3 192 -> 200, 200^3
// 179 -> 190. At 1000 panels, 1024^3 lost 2%.
constexpr int64_t kBInPlacePanels = 24;

// The block sizes and the operands' layouts for one product, decided once for the whole product,
// so that however the threads split it, every element of C is summed in the same order.
struct Plan {
  int64_t mc, nc, kc;
  bool a_in_place, b_in_place;
};

template <class T>
Plan make_plan(const BlockedConfig<T>& cfg, int64_t M, int64_t N, int64_t K, bool trans_b) {
  Plan p;
  p.mc = std::min(cfg.mc, (M + cfg.mr - 1) / cfg.mr * cfg.mr);
  p.nc = std::min(cfg.nc, (N + cfg.nr - 1) / cfg.nr * cfg.nr);
  // Each packed A sliver serves ceil(N / nr) tiles. With few of them (tall, skinny products such
  // as x @ W for a narrow layer) packing A costs about what the product does, so full slivers
  // are read in place; only a last, partial one (fewer than mr rows) is packed.
  p.a_in_place = cfg.kernel_in_place && (N + cfg.nr - 1) / cfg.nr <= kInPlacePanels;
  // Likewise B's full slivers when few A panels would reuse them and B's rows are contiguous.
  p.b_in_place = !p.a_in_place && !trans_b && cfg.kernel_b_in_place && (M + cfg.mr - 1) / cfg.mr <= kBInPlacePanels;
  // With A in place nothing asks for B's sliver to stay in L1 beside a packed A block, and longer
  // K blocks mean fewer passes over C: K blocks grow until B's packed block fills kInPlaceBlockBytes.
  const int64_t kc = p.a_in_place ? std::max<int64_t>(cfg.kc, kInPlaceBlockBytes / (p.nc * sizeof(T))) : cfg.kc;
  // Equal K blocks (784 = 4 x 196, not 3 x 256 + 16): a thin last block would pay a full pass
  // over C for little work.
  const int64_t k_blocks = (K + kc - 1) / kc;
  p.kc = (K + k_blocks - 1) / k_blocks;
  return p;
}

// The loops of the file header over all of C, on `threads` threads that each own a range of rows:
// a thread packs its rows' A blocks (they stay in its own L2) and computes full rows of tiles; the
// threads share the packing of each B block.
template <class T>
void run_plan(const BlockedConfig<T>& cfg, const Plan& plan, int threads, int64_t M, int64_t N, int64_t K,
              const T* A, int64_t lda, bool trans_a, const T* B, int64_t ldb, bool trans_b, T* C, int64_t ldc,
              T alpha, T beta) {
  const int64_t mr = cfg.mr, nr = cfg.nr, mc = plan.mc, nc = plan.nc;
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
          if (!plan.b_in_place || n < nr) pack_b_fn(B, ldb, trans_b, pc, kc, jc + jp * nr, n, nr, packed_b + jp * nr * kc);
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
            if (!plan.a_in_place || m < mr) pack_a_fn(A, lda, trans_a, ic + ip * mr, m, pc, kc, mr, packed_a + ip * mr * kc);
          }
          // Tiles in (jr, ir) order: consecutive tiles share the B sliver in L1.
          for (int64_t jp = 0; jp < b_panels; ++jp)
            for (int64_t ip = 0; ip < a_panels; ++ip) {
              const int64_t i = ic + ip * mr, j = jc + jp * nr;
              if (plan.b_in_place && j + nr <= N)
                cfg.kernel_b_in_place(kc, packed_a + ip * mr * kc, B + pc * ldb + j, ldb, C + i * ldc + j, ldc, alpha,
                                      beta_block, std::min(mr, M - i));
              else if (plan.a_in_place && i + mr <= M)
                cfg.kernel_in_place(kc, trans_a ? A + pc * lda + i : A + i * lda + pc, trans_a ? 1 : lda,
                                    trans_a ? lda : 1, packed_b + jp * nr * kc, C + i * ldc + j, ldc, alpha,
                                    beta_block, std::min(nr, N - j));
              else
                cfg.kernel(kc, packed_a + ip * mr * kc, packed_b + jp * nr * kc, C + i * ldc + j, ldc, alpha,
                           beta_block, std::min(mr, M - i), std::min(nr, N - j));
            }
        }
#pragma omp barrier
      }
    }
  }
}

}  // namespace

template <class T>
void gemm_blocked(const BlockedConfig<T>& cfg, int64_t M, int64_t N, int64_t K, const T* A,
                  int64_t lda, bool trans_a, const T* B, int64_t ldb, bool trans_b, T* C,
                  int64_t ldc, T alpha, T beta) {
  const Plan plan = make_plan(cfg, M, N, K, trans_b);
  const int threads = (M * N * K >= kParallelFlops && !omp_in_parallel()) ? get_num_threads() : 1;
  if (threads == 1 || M >= threads * plan.mc)
    return run_plan(cfg, plan, threads, M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, alpha, beta);
  // Too few rows for a block each (the training shapes): each thread runs the plan alone on a
  // share of C, packing what it reads, with no barrier. The share is cut across the smaller of
  // A (M x K) and B (K x N), so each thread reads all of that one and only its part of the
  // larger: one core's caches then hold each part of the larger operand. That matters beyond
  // the product: on this machine a core writing a line the other core has read waits for it to
  // be invalidated (~7x slower than writing its own), and the optimiser writes the weights the
  // forward read. Rows are cut on mr boundaries and columns on nr boundaries, so the tiles and
  // every element's sum order are those of one thread. A tie (squares) splits rows, so each
  // thread reads half of A and all of B rather than the reverse; measured against splitting
  // columns, two threads, interleaved (B still packed then): 128^3 130 -> 151 GFLOP/s,
  // 200^3 154 -> 167, 256^3 179 -> 187.
  const int64_t m_panels = (M + cfg.mr - 1) / cfg.mr, n_panels = (N + cfg.nr - 1) / cfg.nr;
  const bool split_rows = M >= N && m_panels >= threads;
#pragma omp parallel num_threads(threads)
  {
    const int me = omp_get_thread_num(), team = omp_get_num_threads();
    if (split_rows) {
      const int64_t i0 = std::min(M, m_panels * me / team * cfg.mr), i1 = std::min(M, m_panels * (me + 1) / team * cfg.mr);
      if (i0 < i1)
        run_plan(cfg, plan, 1, i1 - i0, N, K, trans_a ? A + i0 : A + i0 * lda, lda, trans_a, B, ldb, trans_b,
                 C + i0 * ldc, ldc, alpha, beta);
    } else {
      const int64_t j0 = std::min(N, n_panels * me / team * cfg.nr), j1 = std::min(N, n_panels * (me + 1) / team * cfg.nr);
      if (j0 < j1)
        run_plan(cfg, plan, 1, M, j1 - j0, K, A, lda, trans_a, trans_b ? B + j0 * ldb : B + j0, ldb, trans_b, C + j0,
                 ldc, alpha, beta);
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

template <class T>
BlockedConfig<T> portable_config() {
  return {4, 8, 128, 256, 2048, &micro_portable<T, 4, 8>};
}

template void gemm_blocked<float>(const BlockedConfig<float>&, int64_t, int64_t, int64_t,
                                  const float*, int64_t, bool, const float*, int64_t, bool, float*,
                                  int64_t, float, float);
template void gemm_blocked<double>(const BlockedConfig<double>&, int64_t, int64_t, int64_t,
                                   const double*, int64_t, bool, const double*, int64_t, bool,
                                   double*, int64_t, double, double);
template BlockedConfig<float> portable_config<float>();
template BlockedConfig<double> portable_config<double>();

}  // namespace ember::kernels::detail
