#include "training_setup.h"

#include <numeric>
#include <sstream>
#include <thread>

namespace ember::cli {

namespace {

std::shared_ptr<optim::Optimizer> make_optimizer(const std::string& name, const std::vector<Tensor>& params, double lr,
                                                 double momentum, double weight_decay) {
  if (name == "sgd") return std::make_shared<optim::SGD>(params, optim::SGDOptions(lr).momentum(momentum).weight_decay(weight_decay));
  if (name == "adam") return std::make_shared<optim::Adam>(params, optim::AdamOptions(lr).weight_decay(weight_decay));
  if (name == "adamw") return std::make_shared<optim::AdamW>(params, optim::AdamWOptions(lr).weight_decay(weight_decay));
  if (name == "lamb") return std::make_shared<optim::LAMB>(params, optim::LAMBOptions(lr).weight_decay(weight_decay));
  throw UsageError("--optimizer must be sgd, adam, adamw or lamb; got '" + name + "'");
}

}  // namespace

void add_training_options(Args& args) {
  args.option("data", "DIR", default_data_dir(),
              "MNIST-style IDX files (train-images-idx3-ubyte[.gz], ...), or an image folder: DIR/train/<class>/*.png|jpg "
              "(and DIR/test/<class>/... for the test split), or DIR/<class>/...")
      .option("channels", "C", "auto", "an image folder's channels: auto (as the files), 1 (grey) or 3 (RGB)")
      .option("image-size", "HxW", "auto", "resize an image folder's images to HxW (or NxN); auto: as the files, all one size")
      .flag("augment", "random crops (padded by an eighth of the side) and horizontal flips of the training images, "
                       "new each epoch")
      .option("model", "KIND", "mlp",
              "mlp, linear, cnn (LeNet-5), resnet (ResNet-20), xresnet18 (the course's XResNet) or bn-cnn (the "
              "course's BatchNorm CNN)")
      .option("hidden", "N[,N...]", "100", "hidden layer widths of the mlp (the cnn's are LeNet-5's: 120,84)")
      .option("epochs", "N", "10", "epochs to train")
      .option("batch-size", "N", "64", "examples per batch (under mpirun: of all ranks together)")
      .option("lr", "RATE", "0.05", "learning rate (the peak rate for onecycle)")
      .option("optimizer", "NAME", "sgd", "sgd, adam, adamw or lamb")
      .option("momentum", "M", "0.9", "SGD momentum")
      .option("weight-decay", "W", "0", "weight decay (L2 for sgd, adam and lamb, decoupled for adamw)")
      .option("valid-split", "F", "0.1",
              "fraction of the training set held out (seeded) for the per-epoch validation metrics; 0: none")
      .option("seed", "N", "0", "random seed for initialisation, the validation split and shuffling")
      .option("precision", "P", "fp32",
              "fp32, bf16 (forward and loss under autocast in bfloat16, float32 weights) or fp16 (float16, with "
              "dynamic loss scaling)")
      .option("threads", "N", "0", "threads to use (0: every core)")
      .option("prefetch", "N", "auto", "batches assembled ahead on a background thread (auto: 2 when --threads leaves a core idle, else 0)")
      .option("limit", "N", "0",
              "use N training examples only, a seeded random subset (0: all), before the validation split");
}

TrainingSetup make_training_setup(const Args& args) {
  TrainingSetup s;
  s.spec.kind = args.get("model");
  if (!ModelSpec::known_kind(s.spec.kind))
    throw UsageError("--model must be " + ModelSpec::kinds_text() + "; got '" + s.spec.kind + "'");
  s.spec.hidden = s.spec.kind == "mlp" ? args.get_int_list("hidden") : std::vector<int64_t>{};
  s.epochs = args.get_int("epochs", 1, 100000);
  s.batch_size = args.get_int("batch-size", 1, 1 << 20);
  s.lr = args.get_double("lr", 0, 1e3);
  s.precision = args.get("precision");
  if (s.precision != "fp32" && s.precision != "bf16" && s.precision != "fp16")
    throw UsageError("--precision must be fp32, bf16 or fp16; got '" + s.precision + "'");
  const double momentum = args.get_double("momentum", 0, 1);
  const double weight_decay = args.get_double("weight-decay", 0, 1e3);
  const double valid_fraction = args.get_double("valid-split", 0, 0.9);
  s.seed = args.get_int("seed", 0, INT64_MAX);
  const int64_t threads = args.get_int("threads", 0, 1024);
  const int64_t limit = args.get_int("limit", 0, INT64_MAX);
  s.optimizer_name = args.get("optimizer");
  // Under mpirun / srun: one rank of data-parallel training. Ranks on one machine share its cores.
  if (distributed::launched_by_mpi()) s.group = distributed::init_process_group();
  const int world = s.world_size(), rank = s.rank();
  if (s.batch_size % world != 0)
    throw UsageError("--batch-size " + std::to_string(s.batch_size) + " is the batch of all " + std::to_string(world) +
                     " processes together and must split evenly between them; use a multiple of " + std::to_string(world));
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  const int local_ranks = s.group ? distributed::local_world_size() : 1;  // this job's processes on this machine
  if (threads > 0) set_num_threads(static_cast<int>(threads));
  else if (s.group) set_num_threads(std::max(1, cores / local_ranks));
  // A loader thread pays only on a core the compute (of every local rank) leaves idle (see
  // DataLoaderOptions::prefetch_).
  const bool core_to_spare = get_num_threads() * local_ranks < cores;
  const int64_t prefetch = args.get("prefetch") == "auto" ? (core_to_spare ? 2 : 0) : args.get_int("prefetch", 0, 64);

  // The training examples (`limit` of them), a seeded split of them, and the statistics of the
  // training part alone for standardising every split.
  s.data_dir = args.get("data");
  s.augment = args.has("augment");
  ImageLoadOptions load{parse_channels(args.get("channels")), parse_image_size(args.get("image-size")), {}};
  const ImageSet train_full = *load_image_set(s.data_dir, DataSplit::Train, load);
  const int64_t total = train_full.images.size(0);
  const int64_t n = limit > 0 ? std::min(limit, total) : total;
  // At least one validation example when a split is asked for (a tiny --limit rounds to 0).
  const int64_t n_valid =
      valid_fraction > 0 ? std::max<int64_t>(1, std::llround(valid_fraction * static_cast<double>(n))) : 0;
  if (n - n_valid < 1)
    throw UsageError("--valid-split " + args.get("valid-split") + " of " + std::to_string(n) +
                     " examples leaves no training example");
  std::vector<Tensor> parts = data::random_split_indices(n, {n - n_valid, n_valid}, static_cast<uint64_t>(s.seed));
  if (n < total) {  // a random subset, not the first n: an image folder's files are sorted by class
    const Tensor kept = data::random_split_indices(total, {n, total - n}, static_cast<uint64_t>(s.seed) + 1)[0];
    for (Tensor& part : parts) part = kept.index_select(0, part);
  }
  s.spec.channels = train_full.images.size(1);
  s.spec.height = train_full.images.size(2);
  s.spec.width = train_full.images.size(3);
  s.spec.class_names = train_full.classes;
  if (!train_full.classes.empty()) s.spec.classes = static_cast<int64_t>(train_full.classes.size());
  s.spec.mean.clear();
  s.spec.std.clear();
  for (const auto& [mean, std] : data::channel_stats(train_full.images.index_select(0, parts[0]))) {
    s.spec.mean.push_back(mean);
    s.spec.std.push_back(std > 0 ? std : 1.0);  // a constant channel is centred only
  }
  // Standardised once; augmentation pads with what black becomes.
  const Tensor train_x = standardise(train_full.images, s.spec.mean, s.spec.std);
  auto rows = [&](const Tensor& idx) {
    return std::make_shared<data::TensorDataset>(train_x.index_select(0, idx), train_full.targets.index_select(0, idx));
  };
  s.train_set = rows(parts[0]);
  if (s.augment) {
    std::vector<double> black;
    for (size_t c = 0; c < s.spec.mean.size(); ++c) black.push_back(-s.spec.mean[c] / s.spec.std[c]);
    s.train_set = std::make_shared<data::TransformDataset>(s.train_set, augmentation(s.spec.height, s.spec.width, black),
                                                           static_cast<uint64_t>(s.seed));
  }
  if (n_valid > 0) s.valid_set = rows(parts[1]);
  load.channels = s.spec.channels;
  load.size = {s.spec.height, s.spec.width};
  load.classes = train_full.classes;
  if (const std::optional<ImageSet> test = load_image_set(s.data_dir, DataSplit::Test, load))
    s.test_set = std::make_shared<data::TensorDataset>(standardise(test->images, s.spec.mean, s.spec.std), test->targets);
  // Each rank takes every world-th example of the epoch's shuffled order, batch-size / world at a
  // time: together the ranks' batches are the batches one process would draw with this seed.
  data::DataLoaderOptions train_options(s.batch_size / world);
  if (s.group)
    train_options.sampler(std::make_shared<data::DistributedSampler>(s.train_set->size(), world, rank, true,
                                                                     static_cast<uint64_t>(s.seed)));
  else
    train_options.shuffle(true).seed(static_cast<uint64_t>(s.seed));
  s.train_loader = std::make_shared<data::DataLoader>(s.train_set, train_options.prefetch(static_cast<int>(prefetch)));
  // Validation and test: a contiguous share each, every example counted once over the ranks.
  auto evaluation_loader = [&](std::shared_ptr<const data::Dataset> set) -> std::shared_ptr<data::DataLoader> {
    if (!set) return nullptr;
    if (s.group) {
      const int64_t n = set->size(), begin = n * rank / world, end = n * (rank + 1) / world;
      std::vector<int64_t> share(static_cast<size_t>(end - begin));
      std::iota(share.begin(), share.end(), begin);
      set = std::make_shared<data::Subset>(set, std::move(share));
    }
    return std::make_shared<data::DataLoader>(set, data::DataLoaderOptions(1000));
  };
  s.valid_loader = evaluation_loader(s.valid_set);
  s.test_loader = evaluation_loader(s.test_set);

  manual_seed(static_cast<uint64_t>(s.seed));
  s.model = s.spec.build();
  s.optimizer = make_optimizer(s.optimizer_name, s.model->parameters(), s.lr, momentum, weight_decay);
  s.learner = std::make_unique<train::Learner>(
      s.model, s.train_loader, s.valid_loader, [](const Tensor& out, const Tensor& y) { return cross_entropy_loss(out, y); },
      s.optimizer);
  s.learner->add_metric(std::make_shared<train::Accuracy>());
  if (s.precision != "fp32")
    s.learner->add_callback(std::make_shared<train::MixedPrecision>(s.precision == "bf16" ? kBFloat16 : kHalf));
  if (s.group) {
    // Every rank must run the same command on the same data: the options are compared at the
    // start (the model's parameters by DistributedDataParallel), not found out as a hang later.
    std::string options;
    for (const auto& [name, value] : args.values())
      if (name != "threads" && name != "prefetch") options += "--" + name + " " + value + " ";
    options += "(" + std::to_string(s.train_set->size()) + " training examples)";
    distributed::check_same_everywhere(*s.group, "the options of ember train", options);
    s.ddp = distributed::DistributedDataParallel(s.model, s.group);
    distributed::make_data_parallel(*s.learner, s.ddp);
  }
  return s;
}

std::string TrainingSetup::describe() const {
  std::ostringstream out;
  auto list = [](const std::vector<double>& v) {
    std::ostringstream text;
    text.precision(4);
    for (size_t i = 0; i < v.size(); ++i) text << (i ? "," : "") << v[i];
    return text.str();
  };
  out << "data: " << data_dir << " (" << train_set->size() << " train, " << (valid_set ? valid_set->size() : 0) << " valid, "
      << (test_set ? std::to_string(test_set->size()) : std::string("no")) << " test; " << spec.image_text() << " images"
      << (spec.class_names.empty() ? "" : ", " + std::to_string(spec.classes) + " classes") << "; mean " << list(spec.mean)
      << ", std " << list(spec.std) << (augment ? "; augmented: crop + flip" : "") << ")\n"
      << "model: " << spec.describe() << ", " << optimizer_name << " lr " << lr << ", batch " << batch_size << ", "
      << (group ? std::to_string(group->size()) + " processes x " : "") << get_num_threads() << " thread(s), seed " << seed
      << (precision == "fp32" ? "" : ", mixed precision " + precision);
  return out.str();
}

}  // namespace ember::cli
