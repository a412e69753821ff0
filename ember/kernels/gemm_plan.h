// How gemm() computes one product: every decision in one place, plan_gemm(), from the product's
// shape, the tile shapes the CPU's kernels offer, the thread count and the machine's cache sizes
// (read at run time), weighed with one table of measured constants (GemmTuning). The kernels then
// only carry out the plan. Where each constant comes from: bench/results/2026-12-04_gemm_plan.txt.
#pragma once

#include <cstdint>
#include <span>

namespace ember::kernels {

/// One operand as the kernels read it: op(X)'s element (r, c) is data[r * ld + c], or
/// data[c * ld + r] when trans.
template <class T>
struct MatrixRef {
  const T* data;
  int64_t ld;
  bool trans;

  T operator()(int64_t r, int64_t c) const { return trans ? data[c * ld + r] : data[r * ld + c]; }
  /// op(X) from row r and column c on.
  MatrixRef at(int64_t r, int64_t c) const { return {trans ? data + c * ld + r : data + r * ld + c, ld, trans}; }
  /// op(X)^T: the same memory read the other way.
  MatrixRef transposed() const { return {data, ld, !trans}; }
};

/// The output: element (r, c) at data[r * ld + c].
template <class T>
struct OutRef {
  T* data;
  int64_t ld;

  OutRef at(int64_t r, int64_t c) const { return {data + r * ld + c, ld}; }
};

/// Bytes of the caches that the plans weigh: one core's L2 (the GEMM's blocks, and which operands
/// stay in L2) and the shared L3 (whether a convolution's columns are kept for its backward).
struct CacheSizes {
  int64_t l2, l3;
};
/// This machine's, read once from the operating system (sysconf) through usable_caches().
const CacheSizes& cache_sizes();
/// The sizes the plans may count on, from the reported ones (0 where the system does not say:
/// then the 1 MiB L2 and 32 MiB L3 of the Zen 4 and Zen 5 parts ember is tuned on). The L3 counts
/// for at most 32 MiB: a virtual machine is told its host's whole L3 (480 MiB on a 2-vCPU guest
/// of an Intel Xeon host), which the host's other cores fill too, and planning on it kept 58 MB
/// of ResNet-20's convolution columns "in cache" that went through memory.
CacheSizes usable_caches(int64_t reported_l2, int64_t reported_l3);

/// A tile shape a blocked kernel offers: MR x NR outputs, its speed on full tiles relative to the
/// fastest, its K block, and how much of the L2 its packed A block (mc x kc) may take.
struct TileShape {
  int64_t mr, nr;
  double speed;
  int64_t kc;
  double a_block_l2_share;
  bool reads_in_place;  // it has the kernels that read A or B where they lie
};

/// The measured constants behind every decision (on the 2-core Zen 4 and Zen 5 class machines
/// ember is developed on; the results file named in the header gives the measurement behind each).
struct GemmTuning {
  // Unpacked (the AVX-512 small path): B's rows read where they lie, A's values broadcast.
  int64_t small_macs = 64 * 1024;    // at most this many multiply-adds: unpacked, whatever the shape
  int64_t one_vector = 16;           // N at most this (a matrix-vector product): unpacked
  int64_t tiny_k = 8;                // K at most this (an outer product): unpacked
  int64_t few_rows = 8;              // M at most this (one strip of rows): unpacked
  double unpacked_b_l2_share = 1.0;  // beyond these sizes, unpacked while B takes at most this much L2
  double unpacked_speed = 1.0;       // relative to the fastest tile, on whole strips
  // Dot products (B transposed, A by rows): R rows of A by RB rows of B, summed along K.
  int64_t dot_columns = 4;   // N at most this: dots rather than copying B^T to rows
  int64_t dots_min_k = 256;  // K at least this: dots rather than copying B^T to rows
  int64_t grouped_max_n = 16;  // N at most this and K shorter than dots_min_k: grouped dots (floats)
  double dots_speed = 0.9;
  // Computing C^T (operands swapped) when its tiles fit clearly better.
  double transpose_gain = 1.05;     // C^T's fit must beat C's by this factor
  int64_t transpose_min_k = 256;    // and K be long enough to hide copying C^T back
  double transpose_l2_share = 1.0;  // and both operands fit in this much L2
  // Threads.
  int64_t parallel_macs = int64_t{1} << 20;  // fewer multiply-adds stay on one thread
  // Blocked: operands read in place rather than packed.
  int64_t a_in_place_panels = 2;            // B at most this many NR panels wide: A read in place
  double in_place_b_block_l2_share = 0.25;  // ... and B's packed block may grow to this much L2
  int64_t b_in_place_panels = 24;           // A at most this many MR panels tall (B not transposed): B read in place
  int64_t nc = 3072;                        // columns of a packed B block (kc x nc stays in L3)
};
inline constexpr GemmTuning kGemmTuning{};

struct GemmShape {
  int64_t M, N, K;
  bool trans_a, trans_b;
  int64_t elem_size;  // bytes of one element
};

enum class GemmPath {
  Unpacked,  // strips of C from B's rows in place (B^T copied to rows first when transposed)
  Dots,      // dot products of A's and B's rows (A by rows, B transposed)
  GroupedDots,  // the same over groups of 4 steps of K, for N <= 16 (floats)
  Blocked,   // packed blocks on a tile shape
};

/// How the threads share C: each a band of rows or of columns, computed alone; or (blocked, with
/// an mc block of rows each) each its rows of every packed B block, which they pack together.
enum class GemmSplit { None, Rows, Columns, SharedB };

struct GemmPlan {
  GemmPath path = GemmPath::Blocked;
  int threads = 1;
  GemmSplit split = GemmSplit::None;
  int64_t row_grain = 1, col_grain = 1;  // Rows and Columns bands start on multiples of these
  double fit = 0;                        // the share of the lanes' work that lands in C, times the path's speed
  // Blocked only:
  int tile = 0;                    // index into the tile shapes offered
  bool c_transposed = false;       // computes C^T = op(B)^T op(A)^T into a scratch, copied back
  int64_t mc = 0, nc = 0, kc = 0;  // cache blocks (of the product as computed, C or C^T)
  bool a_in_place = false, b_in_place = false;
};

/// The plan for one product with K > 0, M > 0, N > 0. `tiles` are the blocked kernels' tile
/// shapes (never empty); `unpacked` says whether the unpacked and dot-product paths exist (AVX-512).
/// The path, tile and blocks do not depend on `threads`, so every element is summed in the same
/// order however many threads share the work.
GemmPlan plan_gemm(const GemmShape& shape, std::span<const TileShape> tiles, bool unpacked, int threads,
                   const CacheSizes& caches = cache_sizes(), const GemmTuning& tuning = kGemmTuning);

}  // namespace ember::kernels
