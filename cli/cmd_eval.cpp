// ember eval: a trained model's accuracy and confusion matrix on a data folder's test split.
#include <cstdio>
#include <iostream>

#include "args.h"
#include "commands.h"
#include "data_source.h"
#include "model_spec.h"

namespace ember::cli {

int cmd_eval(const std::vector<std::string>& argv) {
  Args args("eval", "Report a trained model's accuracy and confusion matrix on the test split of a data folder\n"
                    "(IDX files or an image folder, read as 'ember train' read its training images).");
  args.option("model", "FILE", "runs/model.safetensors", "model file written by 'ember train'")
      .option("data", "DIR", default_data_dir(), "MNIST-style IDX files or an image folder (see 'ember train --help')")
      .option("split", "NAME", "test", "test or train");
  if (!args.parse(argv)) return 0;
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "' (see 'ember eval --help')");
  const std::string split = args.get("split");
  if (split != "test" && split != "train") throw UsageError("--split must be test or train; got '" + split + "'");

  auto [spec, model] = load_model_file(args.get("model"));
  const std::optional<ImageSet> set =
      load_image_set(args.get("data"), split == "test" ? DataSplit::Test : DataSplit::Train,
                     {spec.channels, {spec.height, spec.width}, spec.class_names});
  if (!set) throw UsageError(args.get("data") + " has no test split (DIR/test, DIR/valid or DIR/val beside DIR/train)");
  const std::vector<int64_t> image = {set->images.size(1), set->images.size(2), set->images.size(3)};
  EMBER_CHECK(image == std::vector<int64_t>({spec.channels, spec.height, spec.width}), ShapeError, "[eval] the model takes ",
              spec.image_text(), " images but ", set->where, " holds ", shape_str(image));
  data::DataLoader loader(std::make_shared<data::TensorDataset>(standardise(set->images, spec.mean, spec.std), set->targets),
                          data::DataLoaderOptions(1000));
  train::ConfusionMatrix confusion(spec.classes);
  NoGradGuard no_grad;
  for (const data::Example& batch : loader) confusion.add((*model)(batch.data), batch.target);

  std::printf("model: %s (%s)\ndata: %s, %s split, %lld images\naccuracy: %.4f\n\n", args.get("model").c_str(),
              spec.describe().c_str(), set->where.c_str(), split.c_str(), static_cast<long long>(set->images.size(0)),
              confusion.accuracy());
  if (!spec.class_names.empty()) {
    std::printf("classes:");
    for (int64_t c = 0; c < spec.classes; ++c) std::printf(" %lld %s%s", static_cast<long long>(c), spec.class_name(c).c_str(), c + 1 < spec.classes ? "," : "\n");
  }
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
