// Notebook 05 (anneal): hyperparameter schedules as functions of the position in training,
// combined into phases (combine_scheds), applied by ParamScheduler and recorded by Recorder.
//   05_anneal DATA_DIR [OUT_DIR]  (OUT_DIR gets the schedule and Recorder plots)
#include "course.h"
#include "plot.h"

using namespace ember;

int main(int argc, char** argv) {
  const course::Digits digits = course::load_digits(argc > 1 ? argv[1] : "data/mnist");
  const std::string out_dir = argc > 2 ? argv[2] : ".";

  // The schedule functions at a few positions, as the notebook plots them.
  const std::vector<std::pair<std::string, train::Schedule>> scheds = {
      {"lin", train::sched_lin(1, 2)}, {"cos", train::sched_cos(1, 2)}, {"no", train::sched_no(1, 2)},
      {"exp", train::sched_exp(1, 2)}};
  std::printf("%-16s", "pos");
  for (double pos : {0.0, 0.25, 0.5, 0.75, 1.0}) std::printf("%8.2f", pos);
  std::printf("\n");
  std::vector<double> grid;
  for (int i = 0; i <= 100; ++i) grid.push_back(i / 100.0);
  std::vector<std::pair<std::string, std::vector<double>>> curves;
  for (const auto& [name, f] : scheds) {
    std::printf("%-16s", ("sched_" + name + "(1, 2)").c_str());
    for (double pos : {0.0, 0.25, 0.5, 0.75, 1.0}) std::printf("%8.4f", f(pos));
    std::printf("\n");
    std::vector<double> y;
    for (double pos : grid) y.push_back(f(pos));
    curves.emplace_back(name, y);
  }
  ember::cli::plot_curves("schedules from 1 to 2", "position in training", grid, curves, out_dir + "/05_schedules.png");

  // The notebook's one-cycle: 30% of training warming up along a cosine from 0.3 to 0.6, then
  // down to 0.2, for the learning rate of plain SGD; and weight decay, any other hyperparameter,
  // annealed linearly to zero.
  const train::Schedule lr = train::combine_scheds({0.3, 0.7}, {train::sched_cos(0.3, 0.6), train::sched_cos(0.6, 0.2)});
  const train::Schedule wd = train::sched_lin(1e-4, 0);
  manual_seed(0);
  auto model = nn::Sequential(nn::Flatten(), nn::Linear(784, 50), nn::ReLU(), nn::Linear(50, 10)).ptr();
  auto opt = std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions(0.3));
  train::Learner learn(model, std::make_shared<data::DataLoader>(digits.train, data::DataLoaderOptions(128).shuffle(true)),
                       std::make_shared<data::DataLoader>(digits.valid, data::DataLoaderOptions(512)),
                       [](const Tensor& out, const Tensor& y) { return cross_entropy_loss(out, y); }, opt);
  learn.add_metric(std::make_shared<train::Accuracy>());
  learn.add_callback(std::make_shared<train::ParamScheduler>("lr", lr));
  learn.add_callback(std::make_shared<train::ParamScheduler>("weight_decay", wd));
  auto rec = std::make_shared<train::Recorder>();
  learn.add_callback(rec);
  learn.add_callback(std::make_shared<train::ProgressCallback>(std::cout, std::cerr, false));
  std::cout << "\ntraining under the one-cycle schedule:\n";
  learn.fit(3);

  const std::vector<double>& lrs = rec->lrs();
  std::vector<double> batch;
  for (size_t i = 0; i < lrs.size(); ++i) batch.push_back(static_cast<double>(i));
  ember::cli::plot_curves("learning rate per batch", "batch", batch, {{"lr", lrs}}, out_dir + "/05_recorder_lr.png");
  ember::cli::plot_curves("loss per batch", "batch", batch, {{"loss", rec->losses()}}, out_dir + "/05_recorder_loss.png");
  const size_t peak = static_cast<size_t>(std::max_element(lrs.begin(), lrs.end()) - lrs.begin());
  std::printf("\nrecorded %zu batches; lr %.4f at the start, peak %.4f at batch %zu (%.0f%%), %.4f at the end\n",
              lrs.size(), lrs.front(), lrs[peak], peak, 100.0 * static_cast<double>(peak) / static_cast<double>(lrs.size()),
              lrs.back());
  const double pct = static_cast<double>(peak) / static_cast<double>(lrs.size());
  return course::check(std::abs(lrs.front() - 0.3) < 1e-9 && std::abs(pct - 0.3) < 0.02 && std::abs(lrs[peak] - 0.6) < 1e-3,
                       "the recorded lr starts at 0.3 and peaks at 0.6 30% of the way through") |
         course::check(learn.history().back().metric("accuracy") > 0.92, "three epochs under the schedule pass 92%");
}
