// ember::models against their PyTorch twins (bench/compare/torch_models.py, written out by
// tools/gen_fixtures.py into torch_resnet.safetensors): the same parameter and buffer names and
// shapes, and, with PyTorch's weights and running statistics loaded, the same eval-mode logits.
// Plus what the architectures promise: ResNet-20's stages, XResNet's zero-initialised last
// BatchNorm (each block starts as its shortcut), and shapes on other image sizes.
#include <map>

#include "support/fixtures.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

// The fixture's tensors for one network, with its "name." prefix taken off.
NamedTensors twin(const std::string& name) {
  NamedTensors out;
  for (auto& [key, t] : load_safetensors(std::string(EMBER_FIXTURE_DIR) + "/torch_resnet.safetensors").tensors)
    if (key.rfind(name + ".", 0) == 0) out.emplace_back(key.substr(name.size() + 1), t);
  return out;
}

Tensor take(NamedTensors& tensors, const std::string& key) {
  for (auto it = tensors.begin(); it != tensors.end(); ++it)
    if (it->first == key) {
      Tensor t = it->second;
      tensors.erase(it);
      return t;
    }
  ADD_FAILURE() << "no " << key << " in the fixture";
  return {};
}

void expect_same_as_pytorch(nn::Module& net, const std::string& name) {
  SCOPED_TRACE(name);
  NamedTensors state = twin(name);
  const Tensor input = take(state, "input"), logits = take(state, "logits");
  // The same names with the same shapes (PyTorch lists each module's buffers after its
  // parameters, ember all parameters first; loading goes by name).
  std::map<std::string, Shape> ours, theirs;
  for (const auto& [key, t] : state_dict(net)) ours[key] = t.sizes();
  for (const auto& [key, t] : state) theirs[key] = t.sizes();
  EXPECT_EQ(ours, theirs);
  load_state_dict(net, state, "torch_resnet.safetensors");
  net.eval();
  EXPECT_TENSOR_NEAR(net(input), logits, 1e-4, 1e-4);
}

TEST(Models, ResNetMatchesPyTorch) {
  models::ResNet net(models::ResNetOptions().blocks_per_stage(1).in_channels(1));
  expect_same_as_pytorch(*net, "resnet");
}

TEST(Models, XResNetMatchesPyTorch) {
  auto net = models::xresnet(1, {1, 1}, 1, 10);
  expect_same_as_pytorch(*net, "xresnet");
  auto bottleneck = models::xresnet(4, {1, 1}, 1, 10);
  expect_same_as_pytorch(*bottleneck, "xresnet_bottleneck");
}

TEST(Models, BnCnnMatchesPyTorch) {
  auto net = models::bn_cnn(1, 10);
  expect_same_as_pytorch(*net, "bn_cnn");
}

TEST(Models, ResNet20HasThreeStagesOfThreeBlocks) {
  models::ResNet net(models::ResNetOptions().in_channels(1));
  int64_t convs = 0, params = 0;
  for (const auto& [name, p] : net->named_parameters()) {
    convs += p.dim() == 4 && name.find("shortcut") == std::string::npos;
    params += p.numel();
  }
  EXPECT_EQ(convs + 1, 20);  // 19 convolutions on the main path and the linear layer
  EXPECT_EQ(params, 272186);  // PyTorch's twin, counted by torch_models.ResNet(3, 1, 10)
  EXPECT_EQ(net(randn({2, 1, 28, 28})).sizes(), (Shape{2, 10}));
  EXPECT_EQ(net(randn({1, 1, 9, 13})).sizes(), (Shape{1, 10}));
  EXPECT_TRUE(net->layers[1]->at<models::BasicBlockImpl>(0).shortcut);
  EXPECT_FALSE(net->layers[1]->at<models::BasicBlockImpl>(1).shortcut);
}

TEST(Models, XResNetBlocksStartAsTheirShortcut) {
  models::ResBlock same(1, 8, 8), strided(1, 8, 16, 2);
  const Tensor x = randn({2, 8, 7, 7});
  EXPECT_TENSOR_NEAR(same(x), x.relu(), 0, 0);
  EXPECT_TENSOR_NEAR(strided(x), strided->idconv(strided->pool(x)).relu(), 0, 0);
  EXPECT_EQ(strided(x).sizes(), (Shape{2, 16, 4, 4}));  // ceil_mode pooling: 7 -> 4, as the stride-2 conv
  // Four stages down to 1x1 (xresnet18, 34 and 50 are this with other block counts).
  auto net = models::xresnet(4, {1, 1, 1, 1}, 3, 5);
  net->eval();  // one image: training-mode BatchNorm needs two per channel
  EXPECT_EQ(net(randn({1, 3, 16, 16})).sizes(), (Shape{1, 5}));
  EXPECT_EQ(net->size(), 11u);  // stem 3, max pool, 4 stages, pool, flatten, linear
}

}  // namespace
}  // namespace ember
