#include "model_spec.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

namespace ember::cli {

namespace {

const std::vector<std::string> kKinds = {"mlp", "linear", "cnn", "resnet", "xresnet18", "bn-cnn"};

// The kinds built by ember::models on (C, H, W) images; their size does not depend on the
// image's.
bool is_model_zoo_kind(const std::string& kind) { return kind == "resnet" || kind == "xresnet18" || kind == "bn-cnn"; }

nn::Sequential model_zoo_net(const std::string& kind, int64_t channels, int64_t classes) {
  if (kind == "resnet") return nn::Sequential(models::ResNet(models::ResNetOptions().in_channels(channels).num_classes(classes)));
  if (kind == "xresnet18") return models::xresnet18(channels, classes);
  return models::bn_cnn(channels, classes);
}

// The side of a square of `inputs` pixels, or 0 when it is not a square.
int64_t square_side(int64_t inputs) {
  const auto side = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(inputs))));
  return side * side == inputs ? side : 0;
}

// LeNet-5's fully connected widths after its features, and the features' size along a side of
// `side` pixels: build() and parameter_count() both read these.
constexpr int64_t kLeNetHidden[] = {120, 84};
int64_t lenet_feature_side(int64_t side) { return (side / 2 - 4) / 2; }

// LeNet-5's feature extractor on (C, H, W) images; returns the number of features after it.
int64_t add_lenet_features(nn::SequentialImpl& model, int64_t c, int64_t h, int64_t w) {
  model.push_back(nn::Unflatten(1, Shape{c, h, w}).ptr());
  model.push_back(nn::Conv2d(nn::Conv2dOptions(c, 6, 5).padding(2)).ptr());  // h x w
  model.push_back(nn::ReLU().ptr());
  model.push_back(nn::MaxPool2d(2).ptr());  // h / 2
  model.push_back(nn::Conv2d(6, 16, 5).ptr());  // h / 2 - 4
  model.push_back(nn::ReLU().ptr());
  model.push_back(nn::MaxPool2d(2).ptr());  // (h / 2 - 4) / 2
  model.push_back(nn::Flatten().ptr());
  return 16 * lenet_feature_side(h) * lenet_feature_side(w);
}

std::string number_list(const std::vector<double>& values) {
  std::ostringstream out;
  out.precision(17);
  for (size_t i = 0; i < values.size(); ++i) out << (i ? "," : "") << values[i];
  return out.str();
}

}  // namespace

std::string ModelSpec::image_text() const {
  return (channels == 1 ? "" : std::to_string(channels) + "x") + std::to_string(height) + "x" + std::to_string(width);
}

std::string ModelSpec::class_name(int64_t c) const {
  return c >= 0 && c < static_cast<int64_t>(class_names.size()) ? class_names[static_cast<size_t>(c)] : std::to_string(c);
}

bool ModelSpec::known_kind(const std::string& kind) { return std::find(kKinds.begin(), kKinds.end(), kind) != kKinds.end(); }

std::string ModelSpec::kinds_text() {
  std::string text;
  for (size_t i = 0; i < kKinds.size(); ++i) text += (i == 0 ? "" : i + 1 == kKinds.size() ? " or " : ", ") + kKinds[i];
  return text;
}

std::shared_ptr<nn::SequentialImpl> ModelSpec::build() const {
  auto model = std::make_shared<nn::SequentialImpl>();
  model->push_back(nn::Flatten().ptr());
  if (is_model_zoo_kind(kind)) {
    model->push_back(nn::Unflatten(1, Shape{channels, height, width}));
    model->push_back(model_zoo_net(kind, channels, classes));
    return model;
  }
  int64_t features = inputs();
  if (kind == "cnn") {
    if (height < 12 || width < 12)
      throw ValueError("the cnn needs images of at least 12 x 12 pixels; these are " + std::to_string(height) + " x " +
                       std::to_string(width));
    features = add_lenet_features(*model, channels, height, width);
    for (int64_t h : kLeNetHidden) {
      model->push_back(nn::Linear(features, h).ptr());
      model->push_back(nn::ReLU().ptr());
      features = h;
    }
  }
  if (kind == "mlp") {
    for (int64_t h : hidden) {
      model->push_back(nn::Linear(features, h).ptr());
      model->push_back(nn::ReLU().ptr());
      features = h;
    }
  }
  model->push_back(nn::Linear(features, classes).ptr());
  return model;
}

Metadata ModelSpec::to_metadata() const {
  std::ostringstream h;
  for (size_t i = 0; i < hidden.size(); ++i) h << (i ? "," : "") << hidden[i];
  Metadata meta = {{"ember.model", kind},
                   {"ember.hidden", kind == "mlp" ? h.str() : ""},
                   {"ember.inputs", std::to_string(inputs())},
                   {"ember.image", std::to_string(channels) + "x" + std::to_string(height) + "x" + std::to_string(width)},
                   {"ember.classes", std::to_string(classes)},
                   {"ember.mean", number_list(mean)},
                   {"ember.std", number_list(std)}};
  if (!class_names.empty()) meta["ember.class_names"] = data::CategoryVocab(class_names).to_text();
  return meta;
}

ModelSpec ModelSpec::from_metadata(const Metadata& meta, const std::string& path) {
  auto need = [&](const std::string& key) -> const std::string& {
    const auto it = meta.find(key);
    if (it == meta.end())
      throw IOError(path + ": not an ember model file (metadata '" + key + "' is missing)\n---> HINT: use a file written "
                           "by 'ember train --out FILE'");
    return it->second;
  };
  auto malformed = [&](const std::string& key, const std::string& why) {
    return IOError(path + ": malformed ember metadata: '" + key + "' = '" + meta.at(key) + "' " + why);
  };
  // A positive integer, the whole text of it ("12abc" and "-3" are refused).
  auto positive = [&](const std::string& key, const std::string& text) {
    size_t used = 0;
    int64_t v = 0;
    try {
      v = std::stoll(text, &used);
    } catch (const std::exception&) {
      throw malformed(key, "is not a positive integer");
    }
    if (used != text.size() || v <= 0) throw malformed(key, "is not a positive integer");
    return v;
  };
  auto finite = [&](const std::string& key, const std::string& text) {
    size_t used = 0;
    double v = NAN;
    try {
      v = std::stod(text, &used);
    } catch (const std::exception&) {
    }
    if (used != text.size() || !std::isfinite(v)) throw malformed(key, "is not a finite number");
    return v;
  };
  ModelSpec spec;
  spec.kind = need("ember.model");
  if (!known_kind(spec.kind)) throw IOError(path + ": unknown model kind '" + spec.kind + "'");
  spec.hidden.clear();
  std::stringstream hidden(need("ember.hidden"));
  for (std::string item; std::getline(hidden, item, ',');) spec.hidden.push_back(positive("ember.hidden", item));
  const int64_t inputs = positive("ember.inputs", need("ember.inputs"));
  spec.classes = positive("ember.classes", need("ember.classes"));
  if (meta.count("ember.image")) {
    std::vector<int64_t> dims;
    std::stringstream image(meta.at("ember.image"));
    for (std::string item; std::getline(image, item, 'x');) dims.push_back(positive("ember.image", item));
    int64_t product = 0;
    if (dims.size() != 3 || __builtin_mul_overflow(dims[0], dims[1], &product) ||
        __builtin_mul_overflow(product, dims[2], &product) || product != inputs)
      throw malformed("ember.image", "is not CxHxW with C * H * W = ember.inputs (" + std::to_string(inputs) + ")");
    spec.channels = dims[0];
    spec.height = dims[1];
    spec.width = dims[2];
  } else {  // files before colour images: grey, square when the count is a square
    const int64_t side = square_side(inputs);
    spec.channels = 1;
    spec.height = side ? side : 1;
    spec.width = side ? side : inputs;
  }
  for (const char* key : {"ember.mean", "ember.std"}) {
    std::vector<double>& values = std::string(key) == "ember.mean" ? spec.mean : spec.std;
    values.clear();
    std::stringstream list(need(key));
    for (std::string item; std::getline(list, item, ',');) values.push_back(finite(key, item));
    if (values.size() != 1 && static_cast<int64_t>(values.size()) != spec.channels)
      throw malformed(key, "needs one value or one per channel (" + std::to_string(spec.channels) + ")");
  }
  for (double s : spec.std)
    if (s <= 0) throw malformed("ember.std", "must be positive");
  if (meta.count("ember.class_names")) {
    spec.class_names = data::CategoryVocab::from_text(meta.at("ember.class_names")).names();
    if (static_cast<int64_t>(spec.class_names.size()) != spec.classes)
      throw malformed("ember.class_names", "names " + std::to_string(spec.class_names.size()) + " classes, not " +
                                               std::to_string(spec.classes));
  }
  return spec;
}

std::string ModelSpec::describe() const {
  std::ostringstream out;
  if (is_model_zoo_kind(kind)) {
    out << kind << " " << image_text() << "-" << classes << (kind == "resnet" ? " (ResNet-20)" : "");
    return out.str();
  }
  if (kind == "cnn") {
    out << "cnn " << image_text() << "-" << classes << " (LeNet-5)";
    return out.str();
  }
  out << kind << " " << inputs();
  if (kind == "mlp")
    for (int64_t h : hidden) out << "-" << h;
  out << "-" << classes;
  return out.str();
}

int64_t ModelSpec::parameter_count() const {
  int64_t total = 0;
  bool overflow = false;
  if (is_model_zoo_kind(kind)) {
    // The net for one channel and one class, then the stem's weights for the other channels and
    // the head's other rows: nothing the metadata claims is allocated.
    auto net = model_zoo_net(kind, 1, 1);
    int64_t head_inputs = 0, stem_per_channel = 0;
    for (const auto& [name, p] : net->named_parameters()) {
      total += p.numel();
      if (p.dim() == 2) head_inputs = p.size(1);
      if (p.dim() == 4 && stem_per_channel == 0) stem_per_channel = p.numel();  // the first convolution
    }
    int64_t head = 0, stem = 0;
    overflow = __builtin_mul_overflow(classes - 1, head_inputs + 1, &head) || __builtin_add_overflow(total, head, &total) ||
               __builtin_mul_overflow(channels - 1, stem_per_channel, &stem) || __builtin_add_overflow(total, stem, &total);
    return overflow ? INT64_MAX : total;
  }
  auto linear = [&](int64_t in, int64_t out) {  // weight (out, in) and bias (out)
    int64_t w = 0;
    overflow |= __builtin_mul_overflow(in, out, &w) || __builtin_add_overflow(total, w, &total) ||
                __builtin_add_overflow(total, out, &total);
  };
  int64_t features = inputs();
  if (kind == "cnn") {
    overflow = __builtin_mul_overflow(channels, 6 * 25, &total) || __builtin_add_overflow(total, 6 + 16 * 6 * 25 + 16, &total);
    features = 16 * lenet_feature_side(height) * lenet_feature_side(width);
    for (int64_t h : kLeNetHidden) {
      linear(features, h);
      features = h;
    }
  }
  if (kind == "mlp")
    for (int64_t h : hidden) {
      linear(features, h);
      features = h;
    }
  linear(features, classes);
  return overflow ? INT64_MAX : total;
}

std::pair<ModelSpec, std::shared_ptr<nn::SequentialImpl>> load_model_file(const std::string& path) {
  SafetensorsFile file = load_safetensors(path);
  ModelSpec spec = ModelSpec::from_metadata(file.metadata, path);
  // Every parameter must come from the file, so a spec that needs more values than the file
  // holds is corrupt: refuse it before build() allocates what the metadata claims.
  int64_t held = 0;
  for (const auto& [name, t] : file.tensors) held += t.numel();
  const int64_t needed = spec.parameter_count();
  if (needed > held)
    throw IOError(path + ": its metadata describes " + spec.describe() + ", " +
                  (needed == INT64_MAX ? std::string("too many") : std::to_string(needed)) +
                  " parameters, but the file holds only " + std::to_string(held) + " values");
  auto model = spec.build();
  load_state_dict(*model, file.tensors, path);
  model->eval();
  // eval, predict and show only infer: BatchNorm after a convolution folds into it.
  nn::utils::fold_batchnorm(*model);
  return {spec, model};
}

std::string default_data_dir() {
  if (std::filesystem::is_directory("data/mnist")) return "data/mnist";
  return std::string(EMBER_SOURCE_DIR) + "/data/mnist";
}

}  // namespace ember::cli
