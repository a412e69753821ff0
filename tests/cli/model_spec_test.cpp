// ModelSpec, the CLI's description of a model in a file's metadata: the parameter count it
// promises, metadata that cannot describe a model, and a file too small for the model it claims.
#include "model_spec.h"
#include "support/temp_dir.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

using cli::ModelSpec;

int64_t built_parameters(const ModelSpec& spec) {
  int64_t n = 0;
  for (const Tensor& p : spec.build()->parameters()) n += p.numel();
  return n;
}

TEST(ModelSpec, ParameterCountMatchesTheBuiltNetwork) {
  ModelSpec mlp;
  mlp.hidden = {100, 50};
  EXPECT_EQ(mlp.parameter_count(), built_parameters(mlp));
  ModelSpec linear;
  linear.kind = "linear";
  EXPECT_EQ(linear.parameter_count(), built_parameters(linear));
  ModelSpec cnn;
  cnn.kind = "cnn";
  EXPECT_EQ(cnn.parameter_count(), built_parameters(cnn));
  cnn.height = cnn.width = 32;
  EXPECT_EQ(cnn.parameter_count(), built_parameters(cnn));
  for (const char* kind : {"resnet", "bn-cnn"}) {  // xresnet18 takes the same path, at 40x the size
    SCOPED_TRACE(kind);
    ModelSpec conv;
    conv.kind = kind;
    conv.classes = 7;
    EXPECT_EQ(conv.parameter_count(), built_parameters(conv));
    EXPECT_EQ(conv.build()->forward(randn({2, 784})).sizes(), (Shape{2, 7}));
  }
  ModelSpec absurd;
  absurd.hidden = {int64_t{1} << 40, int64_t{1} << 40};
  EXPECT_EQ(absurd.parameter_count(), INT64_MAX);  // overflow saturates; never built
}

TEST(ModelSpec, ColourImagesOfAnyShape) {
  for (const char* kind : {"mlp", "cnn", "resnet", "bn-cnn"}) {
    SCOPED_TRACE(kind);
    ModelSpec spec;
    spec.kind = kind;
    spec.channels = 3;
    spec.height = 24;
    spec.width = 32;
    spec.classes = 5;
    EXPECT_EQ(spec.parameter_count(), built_parameters(spec));
    EXPECT_EQ(spec.build()->forward(randn({2, 3 * 24 * 32})).sizes(), (Shape{2, 5}));
  }
  ModelSpec colour;
  colour.kind = "cnn";
  colour.channels = 3;
  colour.height = colour.width = 32;
  colour.mean = {0.5, 0.4, 0.3};
  colour.std = {0.2, 0.25, 0.3};
  colour.classes = 2;
  colour.class_names = {"cat", "dog"};
  const ModelSpec back = ModelSpec::from_metadata(colour.to_metadata(), "m");
  EXPECT_EQ(back.describe(), "cnn 3x32x32-2 (LeNet-5)");
  EXPECT_EQ(back.mean, colour.mean);
  EXPECT_EQ(back.std, colour.std);
  EXPECT_EQ(back.class_names, colour.class_names);
  EXPECT_EQ(back.class_name(1), "dog");
  // A file from before colour images: one channel, square from the input count.
  Metadata old = ModelSpec().to_metadata();
  old.erase("ember.image");
  const ModelSpec grey = ModelSpec::from_metadata(old, "m");
  EXPECT_EQ(grey.channels, 1);
  EXPECT_EQ(grey.height, 28);
  EXPECT_EQ(grey.class_name(3), "3");
  Metadata bad = colour.to_metadata();
  bad["ember.image"] = "3x32x31";
  EXPECT_THROW_MSG(ModelSpec::from_metadata(bad, "m"), IOError, "'ember.image' = '3x32x31' is not CxHxW with C * H * W = ember.inputs (3072)");
  bad = colour.to_metadata();
  bad["ember.mean"] = "0.5,0.4";
  EXPECT_THROW_MSG(ModelSpec::from_metadata(bad, "m"), IOError, "needs one value or one per channel (3)");
  bad = colour.to_metadata();
  bad["ember.class_names"] = "cat";
  EXPECT_THROW_MSG(ModelSpec::from_metadata(bad, "m"), IOError, "names 1 classes, not 2");
  bad = colour.to_metadata();
  bad["ember.image"] = "4611686018427387904x2x1";
  bad["ember.inputs"] = "1";
  EXPECT_THROW_MSG(ModelSpec::from_metadata(bad, "m"), IOError, "is not CxHxW");
}

TEST(ModelSpec, MetadataThatDescribesNoModelIsNamed) {
  Metadata good = ModelSpec().to_metadata();
  EXPECT_EQ(ModelSpec::from_metadata(good, "m").describe(), "mlp 784-100-10");
  auto refused = [&](const std::string& key, const std::string& value) {
    Metadata bad = good;
    bad[key] = value;
    try {
      ModelSpec::from_metadata(bad, "m.safetensors");
    } catch (const IOError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refused("ember.hidden", "100,-5"),
            "m.safetensors: malformed ember metadata: 'ember.hidden' = '100,-5' is not a positive integer");
  EXPECT_EQ(refused("ember.inputs", "784abc"),
            "m.safetensors: malformed ember metadata: 'ember.inputs' = '784abc' is not a positive integer");
  EXPECT_EQ(refused("ember.classes", "0"),
            "m.safetensors: malformed ember metadata: 'ember.classes' = '0' is not a positive integer");
  EXPECT_EQ(refused("ember.classes", "99999999999999999999"),
            "m.safetensors: malformed ember metadata: 'ember.classes' = '99999999999999999999' is not a positive integer");
  EXPECT_EQ(refused("ember.std", "0"), "m.safetensors: malformed ember metadata: 'ember.std' = '0' must be positive");
  EXPECT_EQ(refused("ember.mean", "nan"),
            "m.safetensors: malformed ember metadata: 'ember.mean' = 'nan' is not a finite number");
  EXPECT_EQ(refused("ember.model", "rnn"), "m.safetensors: unknown model kind 'rnn'");
  for (const char* key : {"ember.std", "ember.mean", "ember.hidden"}) {  // the fuzzer's first find: a missing number
    Metadata missing = good;
    missing.erase(key);
    EXPECT_THROW_MSG(ModelSpec::from_metadata(missing, "m"), IOError,
                     std::string("m: not an ember model file (metadata '") + key + "' is missing)");
  }
}

TEST(ModelSpec, AFileTooSmallForItsModelIsRefusedBeforeBuildingIt) {
  testing::TempDir dir;
  ModelSpec spec;
  spec.hidden = {1 << 20, 1 << 20};  // 2^40 weights: building it would need 4 TiB
  save_safetensors(dir.file("liar.safetensors"), {{"1.weight", zeros({2, 2})}}, spec.to_metadata());
  EXPECT_THROW_MSG(cli::load_model_file(dir.file("liar.safetensors")), IOError,
                   "liar.safetensors: its metadata describes mlp 784-1048576-1048576-10, 1100346294282 parameters, "
                   "but the file holds only 4 values");
}

}  // namespace
}  // namespace ember

namespace ember {
namespace {

// eval and predict get the model with BatchNorm folded into the convolutions before it (ResNet-20's
// two projection shortcuts are Conv2d -> BatchNorm2d Sequentials), and the same outputs.
TEST(ModelSpec, ALoadedModelHasItsBatchNormFoldedAndTheSameOutputs) {
  testing::TempDir dir;
  ModelSpec spec;
  spec.kind = "resnet";
  manual_seed(6);
  auto model = spec.build();
  for (int i = 0; i < 2; ++i) model->forward(randn({4, 784}));  // running statistics of its own
  save(*model, dir.file("r.safetensors"), spec.to_metadata());
  model->eval();
  const Tensor x = randn({3, 784});
  const Tensor expected = model->forward(x);
  auto count_batchnorms = [](const nn::Module& m) {
    int64_t n = 0;
    for (const auto& [name, t] : m.named_buffers()) n += name.ends_with("running_mean");
    return n;
  };
  const auto [loaded_spec, loaded] = cli::load_model_file(dir.file("r.safetensors"));
  EXPECT_EQ(count_batchnorms(*loaded), count_batchnorms(*model) - 2);
  EXPECT_TENSOR_NEAR(loaded->forward(x), expected, 1e-4, 1e-5);
}

}  // namespace
}  // namespace ember
