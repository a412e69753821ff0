#include "ember/nn/modules/embedding.h"

#include "ember/autograd/grad_mode.h"
#include "ember/nn/init.h"
#include "ember/ops/creation.h"
#include "ember/ops/indexing.h"

namespace ember::nn {

EmbeddingImpl::EmbeddingImpl(const EmbeddingOptions& opts) : Module("Embedding"), options(opts) {
  EMBER_CHECK(opts.num_embeddings_ > 0 && opts.embedding_dim_ > 0, ValueError,
              "[Embedding] num_embeddings and embedding_dim must be positive; got ", opts.num_embeddings_, " and ",
              opts.embedding_dim_);
  if (auto& pad = options.padding_idx_) {
    EMBER_CHECK(*pad >= -opts.num_embeddings_ && *pad < opts.num_embeddings_, ValueError, "[Embedding] padding_idx ",
                *pad, " is out of range for ", opts.num_embeddings_, " embeddings");
    if (*pad < 0) *pad += opts.num_embeddings_;
  }
  weight = register_parameter("weight", empty({opts.num_embeddings_, opts.embedding_dim_}));
  reset_parameters();
}

void EmbeddingImpl::reset_parameters() {
  init::normal_(weight);
  if (options.padding_idx_) {
    NoGradGuard no_grad;
    weight[*options.padding_idx_].zero_();
  }
}

Tensor EmbeddingImpl::forward(const Tensor& indices) {
  return embedding(weight, indices, options.padding_idx_.value_or(-1));
}

std::string EmbeddingImpl::extra_repr() const {
  std::string s = std::to_string(options.num_embeddings_) + ", " + std::to_string(options.embedding_dim_);
  if (options.padding_idx_) s += ", padding_idx=" + std::to_string(*options.padding_idx_);
  return s;
}

}  // namespace ember::nn
