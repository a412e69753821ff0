// Notebook 09 (optimizers): SGD, momentum, weight decay, Adam and LAMB, each one loop over
// parameters (ember's Optimizer::step with a per-parameter update), trained from the same
// initial weights; and parameter groups with a rate of their own (discriminative rates, 11a).
//   09_optimizers DATA_DIR
#include "course.h"

using namespace ember;

namespace {

struct Run {
  std::string name;
  std::function<std::shared_ptr<optim::Optimizer>(std::vector<optim::OptimizerParamGroup>)> make;
};

double train_with(const course::Digits& d, const NamedTensors& init, const Run& run, bool groups) {
  auto model = nn::Sequential(nn::Flatten(), nn::Linear(784, 50), nn::ReLU(), nn::Linear(50, 10)).ptr();
  load_state_dict(*model, init, "the shared initial weights");
  std::vector<optim::OptimizerParamGroup> param_groups;
  if (groups) {  // the body at a tenth of the head's rate
    param_groups.emplace_back(model->children()[1]->parameters());
    param_groups.emplace_back(model->children()[3]->parameters());
  } else {
    param_groups.emplace_back(model->parameters());
  }
  auto opt = run.make(param_groups);
  if (groups) opt->param_groups()[0].options().set_lr(opt->param_groups()[1].options().get_lr() / 10);
  manual_seed(1);  // the same batches for every run
  train::Learner learn(model, std::make_shared<data::DataLoader>(d.train, data::DataLoaderOptions(64).shuffle(true)),
                       std::make_shared<data::DataLoader>(d.valid, data::DataLoaderOptions(512)),
                       [](const Tensor& out, const Tensor& y) { return cross_entropy_loss(out, y); }, opt);
  learn.add_metric(std::make_shared<train::Accuracy>());
  learn.fit(2);
  return learn.history().back().metric("accuracy");
}

}  // namespace

int main(int argc, char** argv) {
  const course::Digits digits = course::load_digits(argc > 1 ? argv[1] : "data/mnist");
  manual_seed(0);
  const NamedTensors init = [] {
    auto m = nn::Sequential(nn::Flatten(), nn::Linear(784, 50), nn::ReLU(), nn::Linear(50, 10)).ptr();
    NamedTensors out;
    for (auto& [n, t] : state_dict(*m)) out.emplace_back(n, t.detach().clone());
    return out;
  }();
  using G = std::vector<optim::OptimizerParamGroup>;
  const std::vector<Run> runs = {
      {"SGD lr 0.1", [](G g) { return std::make_shared<optim::SGD>(g, optim::SGDOptions(0.1)); }},
      {"SGD momentum 0.9", [](G g) { return std::make_shared<optim::SGD>(g, optim::SGDOptions(0.03).momentum(0.9)); }},
      {"SGD + weight decay", [](G g) { return std::make_shared<optim::SGD>(g, optim::SGDOptions(0.03).momentum(0.9).weight_decay(1e-4)); }},
      {"Adam lr 1e-3", [](G g) { return std::make_shared<optim::Adam>(g, optim::AdamOptions(1e-3)); }},
      {"AdamW lr 1e-3", [](G g) { return std::make_shared<optim::AdamW>(g, optim::AdamWOptions(1e-3)); }},
      {"LAMB lr 1e-2", [](G g) { return std::make_shared<optim::LAMB>(g, optim::LAMBOptions(1e-2)); }},
      {"Adagrad lr 0.05", [](G g) { return std::make_shared<optim::Adagrad>(g, optim::AdagradOptions(0.05)); }},
  };
  std::printf("%-22s %10s %18s\n", "optimiser", "accuracy", "body at lr / 10");
  bool all_learn = true;
  double lamb = 0, adam = 0;
  for (const Run& run : runs) {
    const double acc = train_with(digits, init, run, false), grouped = train_with(digits, init, run, true);
    std::printf("%-22s %10.4f %18.4f\n", run.name.c_str(), acc, grouped);
    all_learn &= acc > 0.9 && grouped > 0.85;
    if (run.name.rfind("LAMB", 0) == 0) lamb = acc;
    if (run.name.rfind("Adam ", 0) == 0) adam = acc;
  }
  return course::check(all_learn, "every optimiser trains the MLP past 90% in two epochs (85% with the body slowed)") |
         course::check(lamb > adam - 0.01, "LAMB, the course's last optimiser, does as well as Adam (within a point)");
}
