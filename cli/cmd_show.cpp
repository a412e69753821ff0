// ember show: a grid of dataset images with their labels (and a model's predictions) as a PNG,
// like the course's show_image / imshow; with --augment, each image beside seven of its random
// crops and flips, as the training's --augment draws them.
#include <iostream>

#include "args.h"
#include "commands.h"
#include "data_source.h"
#include "image.h"
#include "model_spec.h"

namespace ember::cli {

namespace {

constexpr int kCellTarget = 84, kCellMax = 128, kLabel = 18, kGap = 6;

// Draws a uint8 (C, H, W) image (grey or RGB) with its top-left at (x0, y0), each pixel `scale`
// canvas pixels wide.
void draw_image(Canvas& canvas, const Tensor& chw, int x0, int y0, int scale) {
  const Tensor img = chw.contiguous();
  const int64_t c = img.size(0), h = img.size(1), w = img.size(2);
  const uint8_t* p = img.data_ptr<uint8_t>();
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) {
      auto at = [&](int64_t k) { return p[(k * h + y) * w + x]; };
      const Color colour = c >= 3 ? Color{at(0), at(1), at(2)} : Color{at(0), at(0), at(0)};
      canvas.fill_rect(x0 + static_cast<int>(x) * scale, y0 + static_cast<int>(y) * scale, x0 + static_cast<int>(x + 1) * scale,
                       y0 + static_cast<int>(y + 1) * scale, colour);
    }
}

// Bytes back from a float image in [0, 1].
Tensor to_bytes(const Tensor& chw) {
  const data::Image img = data::tensor_to_image(chw);
  Tensor out = empty({img.channels, img.height, img.width}, kUInt8);
  data::image_to_chw(img, out.data_ptr<uint8_t>());
  return out;
}

}  // namespace

int cmd_show(const std::vector<std::string>& argv) {
  Args args("show", "Draw dataset images in a grid with their labels; with --model, also the predicted class\n"
                    "(in red where it is wrong); with --augment, each image and seven random crops and flips of it.");
  args.option("data", "DIR", default_data_dir(), "MNIST-style IDX files or an image folder (see 'ember train --help')")
      .option("split", "NAME", "test", "test or train")
      .option("count", "N", "16", "how many images")
      .option("start", "N", "0", "index of the first image")
      .option("model", "FILE", "", "model file: show its predictions too")
      .option("channels", "C", "auto", "an image folder's channels: auto, 1 or 3 (as 'ember train')")
      .option("image-size", "HxW", "auto", "resize an image folder's images (as 'ember train')")
      .flag("augment", "show seven augmented draws (crop + flip, as 'ember train --augment') beside each image")
      .option("seed", "N", "0", "seed of the augmented draws")
      .option("out", "FILE", "samples.png", "PNG file to write");
  if (!args.parse(argv)) return 0;
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "' (see 'ember show --help')");
  const std::string split = args.get("split");
  if (split != "test" && split != "train") throw UsageError("--split must be test or train; got '" + split + "'");
  const bool augment = args.has("augment");
  if (augment && !args.get("model").empty()) throw UsageError("--augment shows the data, --model its predictions: give one");

  ModelSpec spec;
  std::shared_ptr<nn::SequentialImpl> model;
  ImageLoadOptions load{parse_channels(args.get("channels")), parse_image_size(args.get("image-size")), {}};
  if (!args.get("model").empty()) {
    std::tie(spec, model) = load_model_file(args.get("model"));
    load = {spec.channels, {spec.height, spec.width}, spec.class_names};
  }
  const std::optional<ImageSet> set =
      load_image_set(args.get("data"), split == "test" ? DataSplit::Test : DataSplit::Train, load);
  if (!set) throw UsageError(args.get("data") + " has no test split; try --split train");
  const int64_t n = set->images.size(0);
  const int64_t start = args.get_int("start", 0, n - 1);
  const int64_t count = std::min(args.get_int("count", 1, 1024), n - start);
  Tensor images = set->images.narrow(0, start, count);
  const int64_t h = images.size(2), w = images.size(3);

  Tensor predictions;
  if (model) {
    NoGradGuard no_grad;
    predictions = (*model)(standardise(images, spec.mean, spec.std)).argmax(1);
  }
  // Big images are shrunk to fit a cell; small ones drawn with square pixels.
  const int64_t side = std::max(h, w);
  const int scale = side >= kCellTarget ? 1 : static_cast<int>(kCellTarget / side);
  const double shrink = side > kCellMax ? static_cast<double>(kCellMax) / static_cast<double>(side) : 1.0;
  const auto cell_h = static_cast<int>(std::lround(static_cast<double>(h) * shrink)) * scale;
  const auto cell_w = static_cast<int>(std::lround(static_cast<double>(w) * shrink)) * scale;
  auto fitted = [&](const Tensor& chw) {
    return shrink == 1.0 ? chw : to_bytes(data::transforms::resize(chw.to(kFloat32) / 255.0, cell_h / scale, cell_w / scale));
  };
  const int columns = augment ? 8 : static_cast<int>(std::min<int64_t>(count, 8));
  const int rows = augment ? static_cast<int>(count) : static_cast<int>((count + columns - 1) / columns);
  Canvas canvas(columns * (cell_w + kGap) + kGap, rows * (cell_h + kLabel + kGap) + kGap, {255, 255, 255});
  const data::transforms::TransformPtr crop_and_flip = augmentation(h, w);
  const auto seed = static_cast<uint64_t>(args.get_int("seed", 0, INT64_MAX));
  const int cells = augment ? rows * columns : static_cast<int>(count);
  for (int cell = 0; cell < cells; ++cell) {
    const int64_t i = augment ? cell / columns : cell;
    const int draw = augment ? cell % columns : 0;  // 0: the image itself
    Tensor img = images[i];
    if (draw > 0) {
      data::ItemRandom rng(seed, static_cast<uint64_t>(draw - 1), static_cast<uint64_t>(start + i));
      img = to_bytes((*crop_and_flip)(img.to(kFloat32) / 255.0, rng));
    }
    const int x0 = kGap + (cell % columns) * (cell_w + kGap);
    const int y0 = kGap + (cell / columns) * (cell_h + kLabel + kGap);
    draw_image(canvas, fitted(img), x0, y0, scale);
    if (draw > 0) continue;
    const int64_t label = set->targets[start + i].item<int64_t>();
    const std::vector<std::string>& names = model ? spec.class_names : set->classes;
    auto name_of = [&](int64_t c) { return c < static_cast<int64_t>(names.size()) ? names[static_cast<size_t>(c)] : std::to_string(c); };
    std::string text = name_of(label);
    Color color{20, 20, 20};
    if (predictions.defined()) {
      const int64_t pred = predictions[i].item<int64_t>();
      text += " p:" + name_of(pred);
      if (pred != label) color = {210, 30, 30};
    }
    const int text_scale = cell_w >= Canvas::text_width(text, 2) ? 2 : 1;
    text = text.substr(0, static_cast<size_t>(std::max(1, cell_w / (6 * text_scale))));
    canvas.text(x0 + (cell_w - Canvas::text_width(text, text_scale)) / 2, y0 + cell_h + 2, text, color, text_scale);
  }
  canvas.write_png(args.get("out"));
  std::cout << "wrote " << args.get("out") << " (" << count << " images from " << set->where << ", " << split
            << " split, starting at " << start << (augment ? ", each with 7 augmented draws" : "") << ")\n";
  return 0;
}

}  // namespace ember::cli
