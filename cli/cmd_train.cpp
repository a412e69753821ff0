// ember train: data -> model -> Learner with callbacks -> model file, metrics CSV, curves PNG.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "args.h"
#include "commands.h"
#include "model_spec.h"
#include "plot.h"
#include "telemetry.h"

namespace ember::cli {

namespace {

std::shared_ptr<optim::Optimizer> make_optimizer(const std::string& name, const std::vector<Tensor>& params, double lr,
                                                 double momentum, double weight_decay) {
  if (name == "sgd") return std::make_shared<optim::SGD>(params, optim::SGDOptions(lr).momentum(momentum).weight_decay(weight_decay));
  if (name == "adam") return std::make_shared<optim::Adam>(params, optim::AdamOptions(lr).weight_decay(weight_decay));
  if (name == "adamw") {
    optim::AdamWOptions options(lr);
    options.weight_decay(weight_decay);
    return std::make_shared<optim::AdamW>(params, options);
  }
  throw UsageError("--optimizer must be sgd, adam or adamw; got '" + name + "' (see 'ember train --help')");
}

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

// The first `limit` examples of a dataset (all when limit is 0).
std::shared_ptr<data::TensorDataset> head(const data::TensorDataset& d, int64_t limit) {
  if (limit <= 0 || limit >= d.size()) return std::make_shared<data::TensorDataset>(d.data(), d.targets());
  return std::make_shared<data::TensorDataset>(d.data().narrow(0, 0, limit), d.targets().narrow(0, 0, limit));
}

}  // namespace

int cmd_train(const std::vector<std::string>& argv) {
  Args args("train", "Train a classifier on MNIST-style data and write the model, a metrics CSV and a plot of the\n"
                     "loss and accuracy curves. With no options it trains an MLP on the 10,000 MNIST digits that ship\n"
                     "in data/mnist (8,000 to train, 2,000 to test).");
  args.option("data", "DIR", default_data_dir(), "folder with MNIST-style IDX files (train-images-idx3-ubyte[.gz], ...)")
      .option("model", "KIND", "mlp",
              "mlp, linear, cnn (LeNet-5), resnet (ResNet-20), xresnet18 (the course's XResNet) or bn-cnn (the "
              "course's BatchNorm CNN)")
      .option("hidden", "N[,N...]", "100", "hidden layer widths of the mlp (the cnn's are LeNet-5's: 120,84)")
      .option("epochs", "N", "10", "epochs to train")
      .option("batch-size", "N", "64", "examples per batch")
      .option("lr", "RATE", "0.05", "learning rate (the peak rate for onecycle)")
      .option("optimizer", "NAME", "sgd", "sgd, adam or adamw")
      .option("momentum", "M", "0.9", "SGD momentum")
      .option("weight-decay", "W", "0", "weight decay (L2 for sgd and adam, decoupled for adamw)")
      .option("schedule", "NAME", "cosine", "learning-rate schedule: none, step, cosine or onecycle")
      .option("seed", "N", "0", "random seed for initialisation and shuffling")
      .option("threads", "N", "0", "threads to use (0: every core)")
      .option("prefetch", "N", "auto", "batches assembled ahead on a background thread (auto: 2 when --threads leaves a core idle, else 0)")
      .option("limit", "N", "0", "train on the first N training examples only (0: all)")
      .option("out", "FILE", "runs/model.safetensors", "model file; FILE's stem names the .csv, .png and checkpoint beside it")
      .option("resume", "CHECKPOINT", "", "continue from a checkpoint that an earlier run wrote")
      .flag("activation-stats",
            "print the mean and std of every layer's output at the end and draw their histograms per batch "
            "(the course's telemetry) into OUT's name with .activations.png")
      .flag("detect-anomaly", "check every op's output and every gradient for NaN or infinity and name the first op "
                              "that makes one (slow; for finding why a loss became NaN)");
  if (!args.parse(argv)) return 0;
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "' (see 'ember train --help')");

  ModelSpec spec;
  spec.kind = args.get("model");
  if (!ModelSpec::known_kind(spec.kind))
    throw UsageError("--model must be " + ModelSpec::kinds_text() + "; got '" + spec.kind +
                     "' (see 'ember train --help')");
  spec.hidden = spec.kind == "mlp" ? args.get_int_list("hidden") : std::vector<int64_t>{};
  const int64_t epochs = args.get_int("epochs", 1, 100000);
  const int64_t batch_size = args.get_int("batch-size", 1, 1 << 20);
  const double lr = args.get_double("lr", 0, 1e3);
  const double momentum = args.get_double("momentum", 0, 1);
  const double weight_decay = args.get_double("weight-decay", 0, 1e3);
  const int64_t seed = args.get_int("seed", 0, INT64_MAX);
  const int64_t threads = args.get_int("threads", 0, 1024);
  const int64_t limit = args.get_int("limit", 0, INT64_MAX);
  const std::string optimizer_name = args.get("optimizer"), schedule_name = args.get("schedule");
  if (threads > 0) set_num_threads(static_cast<int>(threads));
  // A loader thread pays only on a core the compute leaves idle (see DataLoaderOptions::prefetch_).
  const bool core_to_spare = get_num_threads() < static_cast<int>(std::thread::hardware_concurrency());
  const int64_t prefetch = args.get("prefetch") == "auto" ? (core_to_spare ? 2 : 0) : args.get_int("prefetch", 0, 64);

  namespace fs = std::filesystem;
  const fs::path out(args.get("out"));
  if (out.has_parent_path()) fs::create_directories(out.parent_path());
  const fs::path stem = out.parent_path() / out.stem();
  const std::string csv_path = stem.string() + ".csv", png_path = stem.string() + ".png";
  const std::string checkpoint_path = stem.string() + ".checkpoint.safetensors";

  // Data, standardised with the training set's statistics.
  const std::string data_dir = args.get("data");
  data::MNIST train_set(data_dir, data::MNIST::Split::Train), test_set(data_dir, data::MNIST::Split::Test);
  std::tie(spec.mean, spec.std) = train_set.stats();
  train_set.normalize(spec.mean, spec.std);
  test_set.normalize(spec.mean, spec.std);
  spec.inputs = train_set.data().numel() / train_set.size();
  auto train_loader = std::make_shared<data::DataLoader>(
      head(train_set, limit), data::DataLoaderOptions(batch_size).shuffle(true).seed(static_cast<uint64_t>(seed)).prefetch(static_cast<int>(prefetch)));
  auto test_loader = std::make_shared<data::DataLoader>(head(test_set, 0), data::DataLoaderOptions(1000));

  manual_seed(static_cast<uint64_t>(seed));
  auto model = spec.build();
  auto optimizer = make_optimizer(optimizer_name, model->parameters(), lr, momentum, weight_decay);
  train::Learner learner(model, train_loader, test_loader, [](const Tensor& out, const Tensor& y) { return cross_entropy_loss(out, y); },
                         optimizer);
  auto schedule = make_schedule(schedule_name, *optimizer, epochs, train_loader->size(), lr);

  Metadata run = spec.to_metadata();
  run["ember.train.optimizer"] = optimizer_name;
  run["ember.train.schedule"] = schedule_name;
  if (!args.get("resume").empty()) {
    const Metadata meta = train::CheckpointCallback::resume(learner, args.get("resume"));
    for (const char* key : {"ember.model", "ember.hidden", "ember.train.schedule"})
      if (meta.count(key) && meta.at(key) != run[key])
        throw UsageError(std::string("the checkpoint was trained with ") + key + " = '" + meta.at(key) +
                         "' but this run asks for '" + run[key] + "'");
    if (schedule) {
      const int64_t done = learner.start_epoch();
      schedule->scheduler().set_step(schedule_name == "onecycle" ? done * train_loader->size() : done);
    }
    std::cout << "resuming " << args.get("resume") << " after epoch " << learner.start_epoch() << "\n";
  }

  std::cout << "data: " << data_dir << " (" << train_loader->dataset().size() << " train, " << test_set.size()
            << " test; mean " << spec.mean << ", std " << spec.std << ")\n"
            << "model: " << spec.describe() << ", " << optimizer_name << " lr " << lr << ", schedule " << schedule_name
            << ", batch " << batch_size << ", " << get_num_threads() << " thread(s), seed " << seed << "\n";
  learner.add_metric(std::make_shared<train::Accuracy>());
  learner.add_callback(std::make_shared<train::ProgressCallback>(std::cout, std::cerr, isatty(STDERR_FILENO)));
  if (schedule) learner.add_callback(schedule);
  learner.add_callback(std::make_shared<train::CSVLogger>(csv_path));
  learner.add_callback(std::make_shared<train::CheckpointCallback>(checkpoint_path, run));
  std::shared_ptr<train::ActivationStats> stats;
  if (args.has("activation-stats")) {
    stats = std::make_shared<train::ActivationStats>(*model);
    learner.add_callback(stats);
  }
  std::optional<autograd::DetectAnomalyGuard> anomaly;
  if (args.has("detect-anomaly")) anomaly.emplace();
  learner.fit(epochs);

  save(*model, out.string(), spec.to_metadata());
  plot_history(learner.history(), png_path);
  std::string activations_path;
  if (stats) {
    stats->print_summary(std::cout);
    activations_path = std::filesystem::path(out).replace_extension(".activations.png").string();
    plot_activation_histograms(*stats, activations_path);
  }
  const auto& last = learner.history().back();
  std::cout << "test accuracy " << last.metric("accuracy") << " after epoch " << last.epoch << "\n"
            << "wrote " << out.string() << ", " << csv_path << ", " << png_path << ", " << checkpoint_path
            << (stats ? ", " + activations_path : "") << "\n";
  return 0;
}

}  // namespace ember::cli
