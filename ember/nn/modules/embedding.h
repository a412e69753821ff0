// Embedding: a table of num_embeddings vectors of embedding_dim values, looked up by integer
// indices, with libtorch's options and PyTorch's init (weight ~ N(0, 1), the padding row zero).
//   nn::Embedding emb(nn::EmbeddingOptions(1000, 64).padding_idx(0));   auto v = emb(tokens);
#pragma once

#include <optional>

#include "ember/nn/module.h"

namespace ember::nn {

struct EmbeddingOptions {
  EmbeddingOptions(int64_t num_embeddings, int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  /// The row that stays zero and gets no gradient; negative counts from the end, as PyTorch.
  EmbeddingOptions& padding_idx(std::optional<int64_t> v) { padding_idx_ = v; return *this; }
  int64_t num_embeddings_, embedding_dim_;
  std::optional<int64_t> padding_idx_;
};

class EmbeddingImpl : public Module {
 public:
  EmbeddingImpl(int64_t num_embeddings, int64_t embedding_dim)
      : EmbeddingImpl(EmbeddingOptions(num_embeddings, embedding_dim)) {}
  explicit EmbeddingImpl(const EmbeddingOptions& options);
  /// indices of any shape (int64 or int32) -> indices.sizes() + (embedding_dim).
  Tensor forward(const Tensor& indices) override;
  void reset_parameters();
  std::string extra_repr() const override;

  EmbeddingOptions options;  // padding_idx_ already made non-negative
  Tensor weight;             // (num_embeddings, embedding_dim)
};
EMBER_MODULE(Embedding);

}  // namespace ember::nn
