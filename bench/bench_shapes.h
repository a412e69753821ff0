// The GEMM shapes every benchmark in bench/ uses, ember's and the peers', so rows line up.
#pragma once

#include <benchmark/benchmark.h>

namespace ember::bench {

/// Squares 64..2048, the MLP training step's products (784-100-10, batch 64: forward, and the
/// two products of each layer's backward), the course's (5 x 784) @ (784 x 10), its fc layer
/// on 50,000 x 784 inputs, and the LeNet convolutions' products for a chunk of 8 images
/// (ops/conv.cpp).
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
  b->Args({6, 6272, 25, 0, 0});    // conv1: weight @ cols
  b->Args({6, 25, 6272, 0, 1});    // conv1: grad weight = g @ cols^T
  b->Args({16, 800, 150, 0, 0});   // conv2: weight @ cols
  b->Args({150, 800, 16, 1, 0});   // conv2: grad cols = weight^T @ g
  b->Args({16, 150, 800, 0, 1});   // conv2: grad weight = g @ cols^T
  b->ArgNames({"M", "N", "K", "ta", "tb"});
}

}  // namespace ember::bench
