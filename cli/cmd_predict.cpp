// ember predict: the class and its probability for image files (PNG or JPEG, grey or colour, any
// size: converted and resized as training read its images), or for a data folder's test image.
#include <cstdio>
#include <iostream>

#include "args.h"
#include "commands.h"
#include "data_source.h"
#include "model_spec.h"

namespace ember::cli {

int cmd_predict(const std::vector<std::string>& argv) {
  Args args("predict", "Classify images: PNG or JPEG files given as arguments (any size and colour: each is converted\n"
                       "to the model's channels and resized to its image size, as 'ember train' read its images; MNIST\n"
                       "models expect a white digit on black), or the test image at --index in --data.");
  args.option("model", "FILE", "runs/model.safetensors", "model file written by 'ember train'")
      .option("data", "DIR", "", "take the image from this data folder's test split instead of image files")
      .option("index", "N", "0", "which test image of --data");
  if (!args.parse(argv)) return 0;
  const bool from_data = !args.get("data").empty();
  if (from_data == !args.positional().empty())
    throw UsageError(from_data ? "give either image files or --data, not both (see 'ember predict --help')"
                               : "give one or more PNG or JPEG files, or --data DIR --index N (see 'ember predict --help')");
  auto [spec, model] = load_model_file(args.get("model"));

  std::vector<std::pair<std::string, Tensor>> inputs;  // (name, uint8 image (C, H, W))
  if (from_data) {
    const std::optional<ImageSet> test = load_image_set(args.get("data"), DataSplit::Test,
                                                        {spec.channels, {spec.height, spec.width}, spec.class_names});
    if (!test) throw UsageError(args.get("data") + " has no test split (DIR/test, DIR/valid or DIR/val beside DIR/train)");
    const int64_t index = args.get_int("index", 0, test->images.size(0) - 1);
    inputs.emplace_back(test->where + "[" + std::to_string(index) + "] (label " +
                            spec.class_name(test->targets[index].item<int64_t>()) + ")",
                        test->images[index]);
  }
  for (const std::string& path : args.positional())
    inputs.emplace_back(path, data::read_image_bytes(path, spec.channels, {spec.height, spec.width}));
  NoGradGuard no_grad;
  for (const auto& [name, image] : inputs) {
    const Tensor probs = softmax((*model)(standardise(image, spec.mean, spec.std).unsqueeze(0)), 1)[0];
    const int64_t cls = probs.argmax().item<int64_t>();
    std::printf("%s: %lld%s (p=%.3f)\n", name.c_str(), static_cast<long long>(cls),
                spec.class_names.empty() ? "" : (" " + spec.class_name(cls)).c_str(), probs[cls].item<double>());
  }
  return 0;
}

}  // namespace ember::cli
