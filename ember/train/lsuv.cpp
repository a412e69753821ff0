#include "ember/train/lsuv.h"

#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/nn/modules/conv.h"
#include "ember/nn/modules/linear.h"

namespace ember::train {
namespace {

// Depth-first over the tree, as named_parameters() walks it.
void collect(const std::string& prefix, const std::shared_ptr<nn::Module>& m, std::vector<LsuvTarget>& out) {
  if (auto conv = std::dynamic_pointer_cast<nn::Conv2dImpl>(m)) out.push_back({prefix, m, conv->weight, conv->bias});
  else if (auto fc = std::dynamic_pointer_cast<nn::LinearImpl>(m)) out.push_back({prefix, m, fc->weight, fc->bias});
  for (const auto& [name, child] : m->named_children()) collect(prefix.empty() ? name : prefix + "." + name, child, out);
}

}  // namespace

std::vector<LsuvTarget> lsuv_targets(nn::Module& model) {
  std::vector<LsuvTarget> out;
  for (const auto& [name, child] : model.named_children()) collect(name, child, out);
  for (size_t i = out.size(); i-- > 0;)  // drop the classifier
    if (std::dynamic_pointer_cast<nn::LinearImpl>(out[i].watch)) {
      out.erase(out.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  return out;
}

std::vector<LsuvStep> lsuv_init(nn::Module& model, const Tensor& batch, const std::vector<LsuvTarget>& targets,
                                double tol, int max_iters) {
  NoGradGuard no_grad;
  std::vector<LsuvStep> steps;
  for (const LsuvTarget& t : targets) {
    EMBER_CHECK(t.watch && t.weight.defined(), ValueError, "[lsuv_init] target '", t.name,
                "' needs a module to watch and a weight");
    double mean = 0, sd = 0;
    const size_t hook = t.watch->register_forward_hook([&](nn::Module&, const Tensor&, const Tensor& out) {
      const Tensor x = out.detach().to(kFloat64);
      mean = x.mean().item<double>();
      sd = x.std().item<double>();
    });
    model(batch);
    LsuvStep step{t.name, mean, sd, 0, 0, 0};
    Tensor weight = t.weight, bias = t.bias;
    for (; step.iterations < max_iters; ++step.iterations) {
      const bool mean_off = bias.defined() && std::abs(mean) > tol, std_off = sd > 0 && std::abs(sd - 1) > tol;
      if (!mean_off && !std_off) break;
      if (mean_off) {
        bias.sub_(mean);
      } else {
        weight.div_(sd);
        if (bias.defined() && t.scale_bias) bias.div_(sd);
      }
      model(batch);
    }
    t.watch->remove_forward_hook(hook);
    step.mean_after = mean;
    step.std_after = sd;
    steps.push_back(step);
  }
  return steps;
}

std::vector<LsuvStep> lsuv_init(nn::Module& model, const Tensor& batch) {
  return lsuv_init(model, batch, lsuv_targets(model));
}

}  // namespace ember::train
