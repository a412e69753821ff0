#include "model_spec.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

namespace ember::cli {

namespace {

const std::vector<std::string> kKinds = {"mlp", "linear", "cnn", "resnet", "xresnet18", "bn-cnn"};

// The kinds built by ember::models on (1, side, side) images; their size does not depend on
// the image's.
bool is_model_zoo_kind(const std::string& kind) { return kind == "resnet" || kind == "xresnet18" || kind == "bn-cnn"; }

nn::Sequential model_zoo_net(const std::string& kind, int64_t classes) {
  if (kind == "resnet") return nn::Sequential(models::ResNet(models::ResNetOptions().in_channels(1).num_classes(classes)));
  if (kind == "xresnet18") return models::xresnet18(1, classes);
  return models::bn_cnn(1, classes);
}

// The side of a square image of `inputs` pixels, or 0 when it is not a square.
int64_t square_side(int64_t inputs) {
  const auto side = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(inputs))));
  return side * side == inputs ? side : 0;
}

// LeNet-5's fully connected widths after its features, and the features' side on a side x side
// image: build() and parameter_count() both read these.
constexpr int64_t kLeNetHidden[] = {120, 84};
int64_t lenet_feature_side(int64_t side) { return (side / 2 - 4) / 2; }

// LeNet-5's feature extractor on a side x side image; returns the features' side after it.
int64_t add_lenet_features(nn::SequentialImpl& model, int64_t side) {
  model.push_back(nn::Unflatten(1, Shape{1, side, side}).ptr());
  model.push_back(nn::Conv2d(nn::Conv2dOptions(1, 6, 5).padding(2)).ptr());  // side x side
  model.push_back(nn::ReLU().ptr());
  model.push_back(nn::MaxPool2d(2).ptr());  // side / 2
  model.push_back(nn::Conv2d(6, 16, 5).ptr());  // side / 2 - 4
  model.push_back(nn::ReLU().ptr());
  model.push_back(nn::MaxPool2d(2).ptr());  // (side / 2 - 4) / 2
  model.push_back(nn::Flatten().ptr());
  return lenet_feature_side(side);
}

}  // namespace

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
    const int64_t side = square_side(inputs);
    if (side == 0)
      throw ValueError("the " + kind + " needs square images; these have " + std::to_string(inputs) + " pixels");
    model->push_back(nn::Unflatten(1, Shape{1, side, side}));
    model->push_back(model_zoo_net(kind, classes));
    return model;
  }
  int64_t width = inputs;
  if (kind == "cnn") {
    const int64_t side = square_side(inputs);
    if (side < 12)
      throw ValueError("the cnn needs square images of at least 12 x 12 pixels; these have " +
                       std::to_string(inputs) + " pixels");
    const int64_t features = add_lenet_features(*model, side);
    width = 16 * features * features;
    for (int64_t h : kLeNetHidden) {
      model->push_back(nn::Linear(width, h).ptr());
      model->push_back(nn::ReLU().ptr());
      width = h;
    }
  }
  if (kind == "mlp") {
    for (int64_t h : hidden) {
      model->push_back(nn::Linear(width, h).ptr());
      model->push_back(nn::ReLU().ptr());
      width = h;
    }
  }
  model->push_back(nn::Linear(width, classes).ptr());
  return model;
}

Metadata ModelSpec::to_metadata() const {
  std::ostringstream h, m, s;
  for (size_t i = 0; i < hidden.size(); ++i) h << (i ? "," : "") << hidden[i];
  m.precision(17);
  s.precision(17);
  m << mean;
  s << std;
  return {{"ember.model", kind},        {"ember.hidden", kind == "mlp" ? h.str() : ""},
          {"ember.inputs", std::to_string(inputs)}, {"ember.classes", std::to_string(classes)},
          {"ember.mean", m.str()},      {"ember.std", s.str()}};
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
  auto finite = [&](const std::string& key) {
    const std::string& text = need(key);
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
  spec.inputs = positive("ember.inputs", need("ember.inputs"));
  spec.classes = positive("ember.classes", need("ember.classes"));
  spec.mean = finite("ember.mean");
  spec.std = finite("ember.std");
  if (spec.std <= 0) throw malformed("ember.std", "must be positive");
  return spec;
}

std::string ModelSpec::describe() const {
  std::ostringstream out;
  if (is_model_zoo_kind(kind)) {
    const int64_t side = square_side(inputs);
    out << kind << " " << side << "x" << side << "-" << classes << (kind == "resnet" ? " (ResNet-20)" : "");
    return out.str();
  }
  if (kind == "cnn") {
    const int64_t side = square_side(inputs);
    out << "cnn " << side << "x" << side << "-" << classes << " (LeNet-5)";
    return out.str();
  }
  out << kind << " " << inputs;
  if (kind == "mlp")
    for (int64_t h : hidden) out << "-" << h;
  out << "-" << classes;
  return out.str();
}

int64_t ModelSpec::parameter_count() const {
  int64_t total = 0;
  bool overflow = false;
  if (is_model_zoo_kind(kind)) {  // the net for one class, then the head's other rows
    auto net = model_zoo_net(kind, 1);
    int64_t head_inputs = 0;
    for (const auto& [name, p] : net->named_parameters()) {
      total += p.numel();
      if (p.dim() == 2) head_inputs = p.size(1);
    }
    int64_t extra = 0;
    overflow = __builtin_mul_overflow(classes - 1, head_inputs + 1, &extra) || __builtin_add_overflow(total, extra, &total);
    return overflow ? INT64_MAX : total;
  }
  auto linear = [&](int64_t in, int64_t out) {  // weight (out, in) and bias (out)
    int64_t w = 0;
    overflow |= __builtin_mul_overflow(in, out, &w) || __builtin_add_overflow(total, w, &total) ||
                __builtin_add_overflow(total, out, &total);
  };
  int64_t width = inputs;
  if (kind == "cnn") {
    const int64_t features = lenet_feature_side(square_side(inputs));
    total = (6 * 25 + 6) + (16 * 6 * 25 + 16);
    width = 16 * features * features;
    for (int64_t h : kLeNetHidden) {
      linear(width, h);
      width = h;
    }
  }
  if (kind == "mlp")
    for (int64_t h : hidden) {
      linear(width, h);
      width = h;
    }
  linear(width, classes);
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
