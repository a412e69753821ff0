// ember predict: the class and its probability for each 28x28 grey PNG (white digit on black,
// as MNIST), or for dataset images picked with --data and --index.
#include <cstdio>
#include <iostream>

#include "args.h"
#include "commands.h"
#include "image.h"
#include "model_spec.h"

namespace ember::cli {

int cmd_predict(const std::vector<std::string>& argv) {
  Args args("predict", "Classify images: 28x28 grey PNG files given as arguments (white on black, like MNIST),\n"
                       "or the test image at --index in --data.");
  args.option("model", "FILE", "runs/model.safetensors", "model file written by 'ember train'")
      .option("data", "DIR", "", "take the image from this data folder's test split instead of PNG files")
      .option("index", "N", "0", "which test image of --data");
  if (!args.parse(argv)) return 0;
  const bool from_data = !args.get("data").empty();
  if (from_data == !args.positional().empty())
    throw UsageError(from_data ? "give either PNG files or --data, not both (see 'ember predict --help')"
                               : "give one or more PNG files, or --data DIR --index N (see 'ember predict --help')");
  auto [spec, model] = load_model_file(args.get("model"));

  std::vector<std::pair<std::string, Tensor>> inputs;  // (name, image (1, 28, 28) in [0, 1])
  if (from_data) {
    data::MNIST test(args.get("data"), data::MNIST::Split::Test);
    const int64_t index = args.get_int("index", 0, test.size() - 1);
    inputs.emplace_back(args.get("data") + "[" + std::to_string(index) + "] (label " +
                            std::to_string(test.targets()[index].item<int64_t>()) + ")",
                        test.data()[index]);
  }
  for (const std::string& path : args.positional()) {
    const GreyImage img = read_png_grey(path);
    if (img.width * img.height != spec.inputs)
      throw IOError(path + ": expected a " + std::to_string(spec.inputs) + "-pixel (28x28) grey image, got " +
                    std::to_string(img.width) + "x" + std::to_string(img.height));
    Tensor pixels = empty({1, img.height, img.width}, kUInt8);
    std::copy(img.pixels.begin(), img.pixels.end(), pixels.data_ptr<uint8_t>());
    inputs.emplace_back(path, pixels.to(kFloat32) / 255.0);
  }
  NoGradGuard no_grad;
  for (const auto& [name, image] : inputs) {
    const Tensor probs = softmax((*model)(((image - spec.mean) / spec.std).unsqueeze(0)), 1)[0];
    const int64_t cls = probs.argmax().item<int64_t>();
    std::printf("%s: %lld (p=%.3f)\n", name.c_str(), static_cast<long long>(cls), probs[cls].item<double>());
  }
  return 0;
}

}  // namespace ember::cli
