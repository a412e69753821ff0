// ember show: a grid of dataset images with their labels (and a model's predictions) as a PNG,
// like the course's show_image / imshow.
#include <iostream>

#include "args.h"
#include "commands.h"
#include "image.h"
#include "model_spec.h"

namespace ember::cli {

int cmd_show(const std::vector<std::string>& argv) {
  Args args("show", "Draw dataset images in a grid with their labels; with --model, also the predicted class\n"
                    "(in red where it is wrong).");
  args.option("data", "DIR", default_data_dir(), "folder with MNIST-style IDX files")
      .option("split", "NAME", "test", "test or train")
      .option("count", "N", "16", "how many images")
      .option("start", "N", "0", "index of the first image")
      .option("model", "FILE", "", "model file: show its predictions too")
      .option("out", "FILE", "samples.png", "PNG file to write");
  if (!args.parse(argv)) return 0;
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "' (see 'ember show --help')");
  const std::string split = args.get("split");
  if (split != "test" && split != "train") throw UsageError("--split must be test or train; got '" + split + "'");
  data::MNIST dataset(args.get("data"), split == "test" ? data::MNIST::Split::Test : data::MNIST::Split::Train);
  const int64_t start = args.get_int("start", 0, dataset.size() - 1);
  const int64_t count = std::min(args.get_int("count", 1, 1024), dataset.size() - start);

  Tensor predictions;
  if (!args.get("model").empty()) {
    auto [spec, model] = load_model_file(args.get("model"));
    NoGradGuard no_grad;
    const Tensor x = (dataset.data().narrow(0, start, count) - spec.mean) / spec.std;
    predictions = (*model)(x).argmax(1);
  }
  constexpr int kScale = 3, kCell = 28 * kScale, kLabel = 18, kGap = 6;
  const int columns = static_cast<int>(std::min<int64_t>(count, 8));
  const int rows = static_cast<int>((count + columns - 1) / columns);
  Canvas canvas(columns * (kCell + kGap) + kGap, rows * (kCell + kLabel + kGap) + kGap, {255, 255, 255});
  const Tensor raw = dataset.raw_images();
  for (int64_t i = 0; i < count; ++i) {
    const int x0 = kGap + static_cast<int>(i % columns) * (kCell + kGap);
    const int y0 = kGap + static_cast<int>(i / columns) * (kCell + kLabel + kGap);
    const Tensor img = raw[start + i].contiguous();
    const uint8_t* p = img.data_ptr<uint8_t>();
    for (int y = 0; y < 28; ++y)
      for (int x = 0; x < 28; ++x) {
        const uint8_t v = p[y * 28 + x];
        canvas.fill_rect(x0 + x * kScale, y0 + y * kScale, x0 + (x + 1) * kScale, y0 + (y + 1) * kScale, {v, v, v});
      }
    const int64_t label = dataset.targets()[start + i].item<int64_t>();
    std::string text = std::to_string(label);
    Color color{20, 20, 20};
    if (predictions.defined()) {
      const int64_t pred = predictions[i].item<int64_t>();
      text += " p:" + std::to_string(pred);
      if (pred != label) color = {210, 30, 30};
    }
    canvas.text(x0 + (kCell - Canvas::text_width(text, 2)) / 2, y0 + kCell + 2, text, color, 2);
  }
  canvas.write_png(args.get("out"));
  std::cout << "wrote " << args.get("out") << " (" << count << " images from " << args.get("data") << ", " << split
            << " split, starting at " << start << ")\n";
  return 0;
}

}  // namespace ember::cli
