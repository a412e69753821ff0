// ember train: data -> model -> Learner with callbacks -> model file, metrics CSV, curves PNG.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>

#include "args.h"
#include "commands.h"
#include "model_spec.h"
#include "plot.h"
#include "telemetry.h"
#include "training_setup.h"

namespace ember::cli {

namespace {

std::shared_ptr<train::LRSchedulerCallback> make_schedule(const std::string& name, optim::Optimizer& opt, int64_t epochs,
                                                          int64_t batches, double lr) {
  using Every = train::LRSchedulerCallback::Every;
  if (name == "none") return nullptr;
  if (name == "step")
    return std::make_shared<train::LRSchedulerCallback>(
        std::make_shared<optim::StepLR>(opt, std::max<int64_t>(1, epochs / 3), 0.1), Every::Epoch);
  if (name == "cosine")
    return std::make_shared<train::LRSchedulerCallback>(std::make_shared<optim::CosineAnnealingLR>(opt, epochs), Every::Epoch);
  if (name == "onecycle")
    return std::make_shared<train::LRSchedulerCallback>(
        std::make_shared<optim::OneCycleLR>(opt, optim::OneCycleLROptions(lr, epochs * batches)), Every::Batch);
  throw UsageError("--schedule must be none, step, cosine or onecycle; got '" + name + "' (see 'ember train --help')");
}

}  // namespace

int cmd_train(const std::vector<std::string>& argv) {
  Args args("train", "Train a classifier on MNIST-style IDX files or a folder of images (one folder per class) and\n"
                     "write the model, a metrics CSV and a plot of the loss and accuracy curves. With no options it\n"
                     "trains an MLP on the 10,000 MNIST digits that ship in data/mnist (8,000 to train, of which 800\n"
                     "are held out for validation, and 2,000 to test). The test split is evaluated once, at the end.\n"
                     "Started by 'mpirun -np N' (or srun), it trains data-parallel over N processes: each computes on\n"
                     "its share of every batch and rank 0 writes the files (docs/distributed.md).");
  add_training_options(args);
  args.option("schedule", "NAME", "cosine", "learning-rate schedule: none, step, cosine or onecycle")
      .option("out", "FILE", "runs/model.safetensors", "model file; FILE's stem names the .csv, .png and checkpoint beside it")
      .option("resume", "CHECKPOINT", "", "continue from a checkpoint that an earlier run wrote")
      .flag("activation-stats",
            "print the mean and std of every layer's output at the end and draw their histograms per batch "
            "(the course's telemetry) into OUT's name with .activations.png")
      .flag("detect-anomaly", "check every op's output and every gradient for NaN or infinity and name the first op "
                              "that makes one (slow; for finding why a loss became NaN)");
  if (!args.parse(argv)) return 0;
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "' (see 'ember train --help')");
  TrainingSetup s = make_training_setup(args);
  const std::string schedule_name = args.get("schedule");
  train::Learner& learner = *s.learner;

  namespace fs = std::filesystem;
  const fs::path out(args.get("out"));
  if (out.has_parent_path()) fs::create_directories(out.parent_path());
  const fs::path stem = out.parent_path() / out.stem();
  const std::string csv_path = stem.string() + ".csv", png_path = stem.string() + ".png";
  const std::string checkpoint_path = stem.string() + ".checkpoint.safetensors";

  auto schedule = make_schedule(schedule_name, *s.optimizer, s.epochs, s.train_loader->size(), s.lr);
  Metadata run = s.spec.to_metadata();
  run["ember.train.optimizer"] = s.optimizer_name;
  run["ember.train.schedule"] = schedule_name;
  if (!args.get("resume").empty()) {
    const Metadata meta = train::CheckpointCallback::resume(learner, args.get("resume"));
    for (const char* key : {"ember.model", "ember.hidden", "ember.image", "ember.class_names", "ember.train.schedule"})
      if (meta.count(key) && meta.at(key) != run[key])
        throw UsageError(std::string("the checkpoint was trained with ") + key + " = '" + meta.at(key) +
                         "' but this run asks for '" + run[key] + "'");
    if (schedule) {
      const int64_t done = learner.start_epoch();
      schedule->scheduler().set_step(schedule_name == "onecycle" ? done * s.train_loader->size() : done);
    }
    if (s.is_main()) std::cout << "resuming " << args.get("resume") << " after epoch " << learner.start_epoch() << "\n";
  }

  // Under mpirun every rank trains; rank 0 alone prints and writes files.
  const bool main = s.is_main();
  if (main) std::cout << s.describe() << ", schedule " << schedule_name << "\n";
  if (main) learner.add_callback(std::make_shared<train::ProgressCallback>(std::cout, std::cerr, isatty(STDERR_FILENO)));
  if (schedule) learner.add_callback(schedule);
  if (main) learner.add_callback(std::make_shared<train::CSVLogger>(csv_path));
  if (main) learner.add_callback(std::make_shared<train::CheckpointCallback>(checkpoint_path, run));
  std::shared_ptr<train::ActivationStats> stats;
  if (args.has("activation-stats") && main) {
    stats = std::make_shared<train::ActivationStats>(*s.model);
    learner.add_callback(stats);
  }
  std::optional<autograd::DetectAnomalyGuard> anomaly;
  if (args.has("detect-anomaly")) anomaly.emplace();
  learner.fit(s.epochs);
  // The test split, once, after training (the validation split chose nothing, but it is what the
  // per-epoch table shows); under mpirun each rank evaluates its share.
  std::optional<train::EvalResult> test;
  if (s.test_loader) test = learner.evaluate(*s.test_loader);
  if (!main) return 0;

  save(*s.model, out.string(), s.spec.to_metadata());
  plot_history(learner.history(), png_path);
  std::string activations_path;
  if (stats) {
    stats->print_summary(std::cout);
    activations_path = std::filesystem::path(out).replace_extension(".activations.png").string();
    plot_activation_histograms(*stats, activations_path);
  }
  if (test) {
    std::cout << "test accuracy " << test->metrics.at(0).second << " (loss " << test->loss << ", " << test->examples
              << " images) after epoch " << learner.history().back().epoch << "\n";
  } else {
    std::cout << "no test split in " << s.data_dir << " (an image folder's is DIR/test, DIR/valid or DIR/val beside DIR/train)\n";
  }
  std::cout << "wrote " << out.string() << ", " << csv_path << ", " << png_path << ", " << checkpoint_path
            << (stats ? ", " + activations_path : "") << "\n";
  return 0;
}

}  // namespace ember::cli
