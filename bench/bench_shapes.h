// The GEMM shapes every benchmark in bench/ uses, ember's and the peers', so rows line up.
#pragma once

#include <benchmark/benchmark.h>

namespace ember::bench {

/// Squares 64..2048, the MLP training step's products (784-100-10, batch 64: forward, and the
/// two products of each layer's backward), the course's (5 x 784) @ (784 x 10) and its fc layer
/// on 50,000 x 784 inputs.
inline void gemm_shapes(benchmark::internal::Benchmark* b) {
  for (int n : {64, 128, 256, 512, 1024, 2048}) b->Args({n, n, n, 0, 0});
  // {M, N, K, trans_a, trans_b}
  b->Args({64, 100, 784, 0, 1});   // x @ W1^T
  b->Args({64, 784, 100, 0, 0});   // dx = g @ W1
  b->Args({100, 784, 64, 1, 0});   // dW1 = g^T @ x
  b->Args({64, 10, 100, 0, 1});    // h @ W2^T
  b->Args({10, 100, 64, 1, 0});    // dW2 = g^T @ h
  b->Args({5, 10, 784, 0, 0});     // the course's first product
  b->Args({50000, 50, 784, 0, 0});  // the course's fc layer: x @ w1
  b->Args({784, 50, 50000, 1, 0});  // and its weight gradient x^T @ g
  b->ArgNames({"M", "N", "K", "ta", "tb"});
}

}  // namespace ember::bench
