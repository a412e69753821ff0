// ember eval: a trained model's accuracy and confusion matrix on a data folder's test split.
#include <cstdio>
#include <iostream>

#include "args.h"
#include "commands.h"
#include "model_spec.h"

namespace ember::cli {

int cmd_eval(const std::vector<std::string>& argv) {
  Args args("eval", "Report a trained model's accuracy and confusion matrix on the test split of a data folder.");
  args.option("model", "FILE", "runs/model.safetensors", "model file written by 'ember train'")
      .option("data", "DIR", default_data_dir(), "folder with MNIST-style IDX files")
      .option("split", "NAME", "test", "test or train");
  if (!args.parse(argv)) return 0;
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "' (see 'ember eval --help')");
  const std::string split = args.get("split");
  if (split != "test" && split != "train") throw UsageError("--split must be test or train; got '" + split + "'");

  auto [spec, model] = load_model_file(args.get("model"));
  data::MNIST dataset(args.get("data"), split == "test" ? data::MNIST::Split::Test : data::MNIST::Split::Train);
  dataset.normalize(spec.mean, spec.std);
  EMBER_CHECK(dataset.data().numel() / dataset.size() == spec.inputs, ShapeError, "[eval] the model takes ", spec.inputs,
              " inputs per image but the data has ", dataset.data().numel() / dataset.size());
  data::DataLoader loader(std::make_shared<data::TensorDataset>(dataset.data(), dataset.targets()), data::DataLoaderOptions(1000));
  train::ConfusionMatrix confusion(spec.classes);
  NoGradGuard no_grad;
  for (const data::Example& batch : loader) confusion.add((*model)(batch.data), batch.target);

  std::printf("model: %s (%s)\ndata: %s, %s split, %lld images\naccuracy: %.4f\n\n", args.get("model").c_str(),
              spec.describe().c_str(), args.get("data").c_str(), split.c_str(), static_cast<long long>(dataset.size()),
              confusion.accuracy());
  std::printf("confusion matrix (rows: true class, columns: predicted class)\n      ");
  for (int64_t p = 0; p < spec.classes; ++p) std::printf("%6lld", static_cast<long long>(p));
  std::printf("\n");
  for (int64_t t = 0; t < spec.classes; ++t) {
    std::printf("%6lld", static_cast<long long>(t));
    for (int64_t p = 0; p < spec.classes; ++p) std::printf("%6lld", static_cast<long long>(confusion.at(t, p)));
    std::printf("\n");
  }
  return 0;
}

}  // namespace ember::cli
