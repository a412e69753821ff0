// Property tests: random shapes, broadcast patterns, dim lists and layouts, checked against
// simple index-by-index oracles written in the test.
#include <gtest/gtest.h>

#include <random>

#include "support/tensor_expect.h"

namespace ember {
namespace {

std::mt19937 rng(1234);

int64_t rand_int(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }

Shape random_shape(int64_t max_dims, int64_t max_size) {
  Shape s(rand_int(0, max_dims));
  for (auto& d : s) d = rand_int(1, max_size);
  return s;
}

// Flat row-major index -> multi-index.
Shape unravel(int64_t i, const Shape& shape) {
  Shape idx(shape.size());
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    idx[d] = i % shape[d];
    i /= shape[d];
  }
  return idx;
}

// Element of t at a multi-index that may have more (leading) dims or size-1 dims: the
// broadcasting rule, written out.
double broadcast_at(const Tensor& t, const Shape& idx) {
  Tensor v = t;
  const size_t lead = idx.size() - t.sizes().size();
  for (size_t d = 0; d < t.sizes().size(); ++d) v = v.select(0, t.size(d) == 1 ? 0 : idx[lead + d]);
  return v.item<double>();
}

// A random non-contiguous tensor with the given values layout: sometimes a permuted copy.
Tensor random_layout(const Tensor& t) {
  if (t.dim() < 2 || rand_int(0, 1) == 0) return t;
  Shape perm(t.dim());
  for (int64_t i = 0; i < t.dim(); ++i) perm[i] = t.dim() - 1 - i;
  return t.permute(perm).contiguous().permute(perm);
}

TEST(Property, BroadcastBinaryOpsMatchTheIndexRule) {
  for (int trial = 0; trial < 60; ++trial) {
    Shape out = random_shape(4, 4);
    Shape a_shape, b_shape;
    // Each operand keeps a random suffix of dims, some set to 1.
    const size_t a_dims = rand_int(0, out.size()), b_dims = rand_int(0, out.size());
    for (size_t d = out.size() - a_dims; d < out.size(); ++d) a_shape.push_back(rand_int(0, 2) == 0 ? 1 : out[d]);
    for (size_t d = out.size() - b_dims; d < out.size(); ++d) b_shape.push_back(rand_int(0, 2) == 0 ? 1 : out[d]);
    Tensor a = random_layout(randn(a_shape)), b = random_layout(randn(b_shape));
    Tensor sum = a + b, prod = a * b, maxi = maximum(a, b);
    const Shape expected_shape = broadcast_shapes(a_shape, b_shape, "test");
    ASSERT_EQ(sum.sizes(), expected_shape);
    for (int64_t i = 0; i < sum.numel(); ++i) {
      const Shape idx = unravel(i, expected_shape);
      const double x = broadcast_at(a, idx), y = broadcast_at(b, idx);
      Tensor s = sum, p = prod, m = maxi;
      for (int64_t k : idx) {
        s = s.select(0, k);
        p = p.select(0, k);
        m = m.select(0, k);
      }
      ASSERT_NEAR(s.item<double>(), x + y, 1e-6);
      ASSERT_NEAR(p.item<double>(), x * y, 1e-6);
      ASSERT_EQ(m.item<double>(), std::max(x, y));
    }
  }
}

TEST(Property, ReductionsOverRandomDimListsMatchAnOracle) {
  for (int trial = 0; trial < 60; ++trial) {
    Shape shape = random_shape(4, 5);
    if (shape.empty()) shape = {3};
    Tensor x = random_layout(randn(shape, kFloat64));
    std::vector<int64_t> dims;
    for (int64_t d = 0; d < x.dim(); ++d)
      if (rand_int(0, 1)) dims.push_back(d);
    const bool keepdim = rand_int(0, 1);
    Tensor s = x.sum(dims, keepdim), m = x.amax(dims, keepdim);
    // Oracle: accumulate every element into its output slot.
    const auto wrapped = wrap_dims(dims, x.dim(), "test");
    Shape keep = shape;
    for (int64_t d : wrapped) keep[d] = 1;
    Tensor expect_sum = zeros(keep, kFloat64), expect_max = full(keep, -INFINITY, kFloat64);
    for (int64_t i = 0; i < x.numel(); ++i) {
      Shape idx = unravel(i, shape);
      Tensor v = x;
      for (int64_t k : idx) v = v.select(0, k);
      for (int64_t d : wrapped) idx[d] = 0;
      Tensor slot_s = expect_sum, slot_m = expect_max;
      for (int64_t k : idx) {
        slot_s = slot_s.select(0, k);
        slot_m = slot_m.select(0, k);
      }
      slot_s.add_(v);
      slot_m.copy_(maximum(slot_m, v));
    }
    if (!keepdim) {
      expect_sum = expect_sum.reshape(s.sizes());
      expect_max = expect_max.reshape(m.sizes());
    }
    ASSERT_EQ(s.sizes(), expect_sum.sizes());
    EXPECT_TENSOR_NEAR(s, expect_sum, 1e-12, 1e-12);
    EXPECT_TENSOR_EQ(m, expect_max);
  }
}

// index_select copies whole rows, on both threads once a selection is large enough (a batch of
// images); each output row must be the selected input row, wherever the threads cut.
TEST(Property, IndexSelectOfLargeSelectionsCopiesTheSelectedRows) {
  std::mt19937 rng(5);
  for (const auto& [shape, dim] : {std::pair{Shape{1000, 784}, int64_t{0}}, std::pair{Shape{3, 700, 40}, int64_t{1}}}) {
    const Tensor t = randn(shape);
    std::vector<int64_t> picks(300);
    for (auto& p : picks) p = std::uniform_int_distribution<int64_t>(0, t.size(dim) - 1)(rng);
    const Tensor out = t.index_select(dim, tensor(picks));
    for (int64_t j = 0; j < static_cast<int64_t>(picks.size()); ++j)
      ASSERT_TRUE(equal(out.select(dim, j), t.select(dim, picks[j]))) << "row " << j << " of shape " << shape_str(shape);
  }
}

TEST(Property, ReshapeAndPermuteRoundTrip) {
  for (int trial = 0; trial < 50; ++trial) {
    Shape shape = random_shape(5, 4);
    Tensor x = randn(shape);
    Shape perm(shape.size());
    for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int64_t>(i);
    std::shuffle(perm.begin(), perm.end(), rng);
    Shape inverse(perm.size());
    for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<int64_t>(i);
    Tensor p = x.permute(perm);
    EXPECT_TENSOR_EQ(p.reshape({-1}).reshape(p.sizes()).permute(inverse), x);
    EXPECT_TENSOR_EQ(p.contiguous().permute(inverse), x);
  }
}

TEST(Property, MatmulOfRandomBatchedShapesMatchesLoops) {
  for (int trial = 0; trial < 30; ++trial) {
    const int64_t M = rand_int(1, 20), K = rand_int(1, 20), N = rand_int(1, 20);
    Shape batch = random_shape(2, 3);
    Shape a_shape = batch, b_shape;
    a_shape.insert(a_shape.end(), {M, K});
    b_shape = rand_int(0, 1) ? Shape{} : batch;  // unbatched or same batch as a
    b_shape.insert(b_shape.end(), {K, N});
    Tensor a = random_layout(randn(a_shape, kFloat64)), b = random_layout(randn(b_shape, kFloat64));
    Tensor out = a.matmul(b);
    Tensor af = a.reshape({-1, M, K});
    Tensor bf = b.dim() == 2 ? b.unsqueeze(0).expand({af.size(0), K, N}) : b.reshape({-1, K, N});
    Tensor flat = out.reshape({-1, M, N});
    for (int64_t bi = 0; bi < af.size(0); ++bi)
      for (int64_t i = 0; i < M; i += std::max<int64_t>(1, M / 3))
        for (int64_t j = 0; j < N; j += std::max<int64_t>(1, N / 3)) {
          double acc = 0;
          for (int64_t k = 0; k < K; ++k) acc += af[bi][i][k].item<double>() * bf[bi][k][j].item<double>();
          ASSERT_NEAR(flat[bi][i][j].item<double>(), acc, 1e-10);
        }
  }
}

TEST(Property, EinsumAgreesWithMatmulAndSum) {
  for (int trial = 0; trial < 20; ++trial) {
    const int64_t B = rand_int(1, 3), M = rand_int(1, 6), K = rand_int(1, 6), N = rand_int(1, 6);
    Tensor a = randn({B, M, K}, kFloat64), b = randn({B, K, N}, kFloat64);
    EXPECT_TENSOR_NEAR(einsum("bmk,bkn->bmn", {a, b}), a.bmm(b), 1e-12, 1e-12);
    EXPECT_TENSOR_NEAR(einsum("bmk,bkn->nm", {a, b}), a.bmm(b).sum(0).t(), 1e-12, 1e-12);
    EXPECT_TENSOR_NEAR(einsum("bmk->", {a}), a.sum(), 1e-12, 1e-12);
    EXPECT_TENSOR_NEAR(einsum("bmk,bmk->b", {a, a}), (a * a).sum({1, 2}), 1e-12, 1e-12);
  }
}

// The contraction of a pair is one batched product, never a broadcast product summed afterwards:
// the graph of einsum("ik,kj->ij") has a BmmBackward and no SumBackward.
TEST(Einsum, ContractsWithAProductNotABroadcastAndSum) {
  const Tensor a = randn({4, 5}, requires_grad()), b = randn({5, 6}, requires_grad());
  std::vector<std::string> names;
  std::vector<std::shared_ptr<autograd::Node>> stack{einsum("ik,kj->ij", {a, b}).grad_fn()};
  while (!stack.empty()) {
    auto node = stack.back();
    stack.pop_back();
    names.push_back(node->name());
    for (const auto& next : node->next_edges())
      if (next) stack.push_back(next);
  }
  EXPECT_EQ(std::count(names.begin(), names.end(), "BmmBackward"), 1);
  EXPECT_EQ(std::count(names.begin(), names.end(), "SumBackward"), 0);
}

}  // namespace
}  // namespace ember
