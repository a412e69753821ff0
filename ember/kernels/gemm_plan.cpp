#include "ember/kernels/gemm_plan.h"

#include <unistd.h>

#include <algorithm>

namespace ember::kernels {

CacheSizes usable_caches(int64_t reported_l2, int64_t reported_l3) {
  constexpr int64_t kTunedL2 = int64_t{1} << 20, kTunedL3 = int64_t{32} << 20;
  return CacheSizes{reported_l2 > 0 ? reported_l2 : kTunedL2,
                    reported_l3 > 0 ? std::min(reported_l3, kTunedL3) : kTunedL3};
}

const CacheSizes& cache_sizes() {
  static const CacheSizes sizes = usable_caches(sysconf(_SC_LEVEL2_CACHE_SIZE), sysconf(_SC_LEVEL3_CACHE_SIZE));
  return sizes;
}

namespace {

int64_t round_up(int64_t n, int64_t step) { return (n + step - 1) / step * step; }

// The share of a tile's multiply-adds that land in C (the rest is padding), times its speed.
double tile_fit(const TileShape& t, int64_t rows, int64_t cols) {
  return t.speed * static_cast<double>(rows * cols) / static_cast<double>(round_up(rows, t.mr) * round_up(cols, t.nr));
}

// The tile that wastes least for a rows x cols output. The fit counts whole tiles, though edge
// tiles run smaller kernels (gemm_tile.h): counting those as they run chose slower tiles for
// LeNet's 16 x 150 x 800 and 16 x 800 x 150.
int best_tile(std::span<const TileShape> tiles, int64_t rows, int64_t cols) {
  int best = 0;
  for (int i = 1; i < static_cast<int>(tiles.size()); ++i)
    if (tile_fit(tiles[i], rows, cols) > tile_fit(tiles[best], rows, cols)) best = i;
  return best;
}

// The unpacked path's strips are two vectors wide, and a last strip of at most one vector runs
// one: the share of its lanes that land in C. Its rows need no padding.
double strip_fit(int64_t N, int64_t elem_size) {
  const int64_t lanes = 64 / elem_size, full = N / (2 * lanes) * 2 * lanes, rest = N - full;
  return static_cast<double>(N) / static_cast<double>(full + (rest == 0 ? 0 : rest <= lanes ? lanes : 2 * lanes));
}

// Splits C between the threads in bands of whole granules, by rows when there are at least as
// many rows as columns (each thread then reads its part of A and all of B) and enough of them.
void split_bands(GemmPlan& plan, int64_t rows, int64_t cols, int64_t row_grain, int64_t col_grain) {
  if (plan.threads == 1) return;
  const bool rows_suffice = (rows + row_grain - 1) / row_grain >= plan.threads;
  plan.split = rows >= cols && rows_suffice ? GemmSplit::Rows : GemmSplit::Columns;
  plan.row_grain = row_grain, plan.col_grain = col_grain;
}

// The blocked path's plan: the tile and orientation that waste least, its cache blocks, which
// operands are read in place, and how the threads share the work.
GemmPlan plan_blocked(const GemmShape& s, std::span<const TileShape> tiles, int threads, const CacheSizes& caches,
                      const GemmTuning& tuning) {
  const int64_t M = s.M, N = s.N, K = s.K, e = s.elem_size;
  GemmPlan plan;
  plan.path = GemmPath::Blocked;
  plan.threads = threads;
  // The best tile for C and for C^T. C^T = op(B)^T op(A)^T is the same product with the operands
  // swapped and their transpose flags flipped; when its tiles fit clearly better (64 x 100 x 784:
  // 93% of 12 x 32 tiles useful instead of 89% of the slower 16 x 16 ones) it is computed into a
  // scratch and copied back transposed. Only for long K, where that copy is cheap beside the
  // product, and operands that fit in L2 (which operand is packed changes with the orientation,
  // and the fit does not weigh packing).
  const int tile = best_tile(tiles, M, N), tile_t = best_tile(tiles, N, M);
  plan.c_transposed =
      tile_fit(tiles[tile_t], N, M) > tuning.transpose_gain * tile_fit(tiles[tile], M, N) &&
      K >= tuning.transpose_min_k &&
      static_cast<double>((M + N) * K * e) <= tuning.transpose_l2_share * static_cast<double>(caches.l2);
  plan.tile = plan.c_transposed ? tile_t : tile;
  const TileShape& t = tiles[plan.tile];
  // The product as computed: C, or C^T with the operands swapped.
  const int64_t rows = plan.c_transposed ? N : M, cols = plan.c_transposed ? M : N;
  const bool a_trans = plan.c_transposed ? !s.trans_b : s.trans_a, b_trans = plan.c_transposed ? !s.trans_a : s.trans_b;
  plan.fit = tile_fit(t, rows, cols);
  const int64_t mc_fit =
      static_cast<int64_t>(t.a_block_l2_share * static_cast<double>(caches.l2)) / (t.kc * e) / t.mr * t.mr;
  plan.mc = std::min(std::max(t.mr, mc_fit), round_up(rows, t.mr));
  plan.nc = std::min(round_up(tuning.nc, t.nr), round_up(cols, t.nr));
  // Each packed A sliver serves ceil(cols / nr) tiles. With few of them (tall, skinny products
  // such as x @ W for a narrow layer) packing A costs about what the product does, so full
  // slivers are read in place; only a last, partial one (fewer than mr rows) is packed.
  plan.a_in_place = t.reads_in_place && (cols + t.nr - 1) / t.nr <= tuning.a_in_place_panels;
  // Likewise B's full slivers when few A panels would reuse them and B's rows are contiguous.
  plan.b_in_place =
      t.reads_in_place && !plan.a_in_place && !b_trans && (rows + t.mr - 1) / t.mr <= tuning.b_in_place_panels;
  // With A in place nothing asks for B's sliver to stay in L1 beside a packed A block, and longer
  // K blocks mean fewer passes over C: K blocks grow until B's packed block fills its L2 share.
  // Not for a transposed A, whose every step is a new row of A, lda apart and usually on a new
  // page: longer blocks touch more pages than the TLB holds (784 x 50 x 50000 with A transposed,
  // on a 2 MiB L2: kc = 2000 ran at 75-79 GFLOP/s, the tile's 1024 at 82-85).
  const int64_t in_place_kc =
      static_cast<int64_t>(tuning.in_place_b_block_l2_share * static_cast<double>(caches.l2)) / (plan.nc * e);
  const int64_t kc = plan.a_in_place && !a_trans ? std::max(t.kc, in_place_kc) : t.kc;
  // Equal K blocks (784 = 4 x 196, not 3 x 256 + 16): a thin last block would pay a full pass
  // over C for little work.
  const int64_t k_blocks = (K + kc - 1) / kc;
  plan.kc = (K + k_blocks - 1) / k_blocks;
  // Threads: with an mc block of rows each they share the packing of each B block; with fewer
  // rows (the training shapes) each computes a band of C alone, packing what it reads, with no
  // barrier, the band cut across the smaller operand so that each core's caches hold its part of
  // the larger one.
  if (plan.threads > 1) {
    if (rows >= plan.threads * plan.mc)
      plan.split = GemmSplit::SharedB;
    else
      split_bands(plan, rows, cols, t.mr, t.nr);
  }
  return plan;
}

}  // namespace

GemmPlan plan_gemm(const GemmShape& s, std::span<const TileShape> tiles, bool unpacked, int threads,
                   const CacheSizes& caches, const GemmTuning& tuning) {
  const int64_t M = s.M, N = s.N, K = s.K, e = s.elem_size;
  threads = M * N * K >= tuning.parallel_macs ? std::max(threads, 1) : 1;
  // (Every return is `plan` itself, built in place: a copied plan cost a small product 25 ns.)
  GemmPlan plan;
  if (!unpacked) {
    plan = plan_blocked(s, tiles, threads, caches, tuning);
    return plan;
  }
  // Dot products when both operands run along K (B transposed, A by rows) and C is narrow or K
  // long; otherwise strips of C from B's rows (B^T first copied to rows when transposed).
  // A narrow C (N <= 16) with short K takes 4 steps of K per broadcast instead (floats).
  const bool along_k = s.trans_b && !s.trans_a;
  const bool grouped = along_k && e == 4 && N <= tuning.grouped_max_n && K < tuning.dots_min_k;
  const bool dots = along_k && !grouped && (N <= tuning.dot_columns || K >= tuning.dots_min_k);
  plan.path = grouped ? GemmPath::GroupedDots : dots ? GemmPath::Dots : GemmPath::Unpacked;
  plan.threads = threads;
  plan.fit = dots ? tuning.dots_speed * static_cast<double>(K) / static_cast<double>(round_up(K, 64 / e))
                  : tuning.unpacked_speed * strip_fit(N, e);
  if (grouped)
    split_bands(plan, M, N, 1, N);
  else if (dots)
    split_bands(plan, M, N, 4, 4);
  else
    split_bands(plan, M, N, 8, 2 * (64 / e));
  // Small products spend more on packing than packing saves, and so do a matrix-vector product
  // (N = 1 would fill 1 of 32 tile columns), an outer product (tiny K: each packed value used
  // once or twice) and a few rows.
  if (M * N * K <= tuning.small_macs || N <= tuning.one_vector || K <= tuning.tiny_k || M <= tuning.few_rows)
    return plan;
  // Beyond those, while B stays in L2, reading it in place wins whenever its strips fit C better
  // than the tiles do, unless the blocked path reads A in place too: its taller tiles then win
  // (50000 x 50 x 784).
  const GemmPlan blocked = plan_blocked(s, tiles, threads, caches, tuning);
  const bool b_in_l2 = static_cast<double>(K * N * e) <= tuning.unpacked_b_l2_share * static_cast<double>(caches.l2);
  if (!(b_in_l2 && !blocked.a_in_place && plan.fit > blocked.fit)) plan = blocked;
  return plan;
}

}  // namespace ember::kernels
