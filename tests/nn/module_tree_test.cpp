// The module tree (the course's 07a and 11a): modules(), named_modules(), apply(), ModuleList,
// ModuleDict, freezing a subtree, a non-strict load, and fine-tuning with a rate per group.
#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

struct NetImpl : nn::Module {
  NetImpl() {
    body = register_module("body", nn::Sequential(nn::Linear(4, 8), nn::ReLU(), nn::Linear(8, 8)));
    const std::vector<std::pair<std::string, std::shared_ptr<nn::Module>>> both = {{"a", nn::Linear(8, 2).ptr()},
                                                                                  {"b", nn::Linear(8, 3).ptr()}};
    heads = register_module("heads", nn::ModuleDict(both));
  }
  Tensor forward(Tensor x) { return heads->at<nn::LinearImpl>("a")->forward(body->forward(x)); }
  nn::Sequential body;
  nn::ModuleDict heads;
};
EMBER_MODULE(Net);

TEST(ModuleTree, NamedModulesWalksDepthFirstInRegistrationOrder) {
  Net net;
  std::vector<std::string> names;
  for (const auto& [name, m] : net->named_modules()) names.push_back(name + ":" + m->name());
  EXPECT_EQ(names, (std::vector<std::string>{":Net", "body:Sequential", "body.0:Linear", "body.1:ReLU", "body.2:Linear",
                                             "heads:ModuleDict", "heads.a:Linear", "heads.b:Linear"}));
  EXPECT_EQ(net->modules().size(), 8u);
  EXPECT_EQ(net->modules(/*include_self=*/false).size(), 7u);
  EXPECT_EQ(net->named_modules("net")[2].first, "net.body.0");
  NetImpl on_stack;
  EXPECT_THROW_MSG(on_stack.modules(), ValueError, "need the module to be owned by a std::shared_ptr");
  EXPECT_EQ(on_stack.modules(false).size(), 7u);
}

TEST(ModuleTree, ApplyVisitsEveryModuleAndCanInitialiseThem) {
  Net net;
  int linears = 0;
  net->apply([&](nn::Module& m) {
    if (auto* lin = dynamic_cast<nn::LinearImpl*>(&m)) {
      ++linears;
      NoGradGuard g;
      lin->bias.fill_(0.5);
    }
  });
  EXPECT_EQ(linears, 4);
  for (const auto& [name, p] : net->named_parameters())
    if (name.ends_with("bias")) EXPECT_TENSOR_EQ(p, full_like(p, 0.5));
  std::vector<std::string> visited;
  net->apply([&](const std::string& name, nn::Module&) { visited.push_back(name); }, "net");
  EXPECT_EQ(visited.front(), "net");
  EXPECT_EQ(visited.back(), "net.heads.b");
}

TEST(ModuleTree, ModuleListAndModuleDictRegisterTheirModules) {
  nn::ModuleList list(nn::Linear(2, 3), nn::ReLU());
  list->push_back(nn::Linear(3, 1));
  EXPECT_EQ(list->size(), 3u);
  EXPECT_EQ(list[1]->name(), "ReLU");
  EXPECT_EQ(list->ptr<nn::LinearImpl>(2)->weight.sizes(), (Shape{1, 3}));
  int n = 0;
  for (const auto& m : *list) n += m != nullptr;
  EXPECT_EQ(n, 3);
  EXPECT_EQ(list->named_parameters()[2].first, "2.weight");
  EXPECT_THROW_MSG(list->ptr(3), IndexError, "[ModuleList] index 3 is out of range for 3 modules");
  EXPECT_THROW_MSG(list->ptr<nn::LinearImpl>(1), TypeError, "[ModuleList] module 1 is a ReLU");
  EXPECT_THROW_MSG((*list)(ones({1, 2})), ValueError, "[ModuleList] has no forward");
  list->replace_module("1", nn::Tanh());
  EXPECT_EQ(list[1]->name(), "Tanh");

  Net net;
  EXPECT_EQ(net->heads->keys(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(net->heads->contains("b"));
  net->heads->insert("b", nn::Linear(8, 5));  // replaced in place
  EXPECT_EQ(net->heads->at<nn::LinearImpl>("b")->weight.sizes(), (Shape{5, 8}));
  EXPECT_EQ(net->heads->keys().size(), 2u);
  EXPECT_THROW_MSG(net->heads["c"], IndexError, "[ModuleDict] no module 'c'; the keys are a, b");
  EXPECT_EQ(net->named_parameters().back().first, "heads.b.bias");
}

TEST(ModuleTree, AFrozenBodyStaysWhileTheHeadAndPerGroupRatesTrain) {
  manual_seed(0);
  Net net;
  net->body->requires_grad_(false);
  for (const Tensor& p : net->body->parameters()) EXPECT_FALSE(p.requires_grad());
  const Tensor body_before = net->body->parameters()[0].detach().clone();
  const Tensor head_before = net->heads->at<nn::LinearImpl>("a")->weight.detach().clone();
  optim::SGD opt({optim::OptimizerParamGroup(net->body->parameters()),
                  optim::OptimizerParamGroup(net->heads->parameters(), std::make_unique<optim::SGDOptions>(0.1))},
                 optim::SGDOptions(0.01));
  const Tensor x = randn({16, 4}), y = randint(0, 2, {16});
  for (int step = 0; step < 3; ++step) {
    opt.zero_grad();
    cross_entropy_loss(net(x), y).backward();
    opt.step();
  }
  EXPECT_TENSOR_EQ(net->body->parameters()[0], body_before);
  EXPECT_FALSE(equal(net->heads->at<nn::LinearImpl>("a")->weight, head_before));
  // Unfrozen, the body trains at its group's rate.
  net->body->requires_grad_(true);
  opt.zero_grad();
  cross_entropy_loss(net(x), y).backward();
  const Tensor g = net->body->parameters()[0].grad().clone();
  opt.step();
  EXPECT_TENSOR_NEAR(net->body->parameters()[0], body_before - g * 0.01, 1e-6, 1e-7);
}

TEST(ModuleTree, ANonStrictLoadReportsWhatItLeftOut) {
  testing::TempDir dir;
  manual_seed(1);
  auto pretrained = nn::Sequential(nn::Linear(4, 8), nn::ReLU(), nn::Linear(8, 10)).ptr();
  save(*pretrained, dir.file("p.safetensors"));
  // A new model with the same body and another head, under other names.
  auto model = nn::Sequential(nn::Linear(4, 8), nn::ReLU()).ptr();
  model->push_back("head", nn::Linear(8, 3));
  EXPECT_THROW_MSG(load(*model, dir.file("p.safetensors")), IOError, "missing: head.weight");
  const NamedTensors tensors = load_safetensors(dir.file("p.safetensors")).tensors;
  const LoadResult r = load_state_dict(*model, tensors, "p.safetensors", /*strict=*/false);
  EXPECT_EQ(r.missing_keys, (std::vector<std::string>{"head.weight", "head.bias"}));
  EXPECT_EQ(r.unexpected_keys, (std::vector<std::string>{"2.weight", "2.bias"}));
  EXPECT_TENSOR_EQ(model->named_parameters()[0].second, pretrained->named_parameters()[0].second);
  // A size mismatch is an error even when not strict.
  auto wide = nn::Sequential(nn::Linear(4, 9)).ptr();
  EXPECT_THROW_MSG(load(*wide, dir.file("p.safetensors"), /*strict=*/false), IOError,
                   "shape mismatch: 0.weight is (8, 4) in the file but (9, 4) in the model");
}

// A user's module as libtorch's documentation writes a clonable one: built in reset().
struct TwoLayerImpl : nn::Cloneable<TwoLayerImpl> {
  explicit TwoLayerImpl(int64_t hidden) : hidden(hidden) { reset(); }
  void reset() override {
    fc1 = register_module("fc1", nn::Linear(3, hidden));
    fc2 = register_module("fc2", nn::Linear(hidden, 2));
    scale = register_buffer("scale", ones({1}));
  }
  Tensor forward(Tensor x) { return fc2(relu(fc1(x))) * scale; }
  int64_t hidden;
  nn::Linear fc1{nullptr}, fc2{nullptr};
  Tensor scale;
};
EMBER_MODULE(TwoLayer);

// Every parameter and buffer of `a` equals `b`'s, and none shares storage.
void expect_independent_equal_copy(const nn::Module& a, const nn::Module& b) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].first, pb[i].first);
    EXPECT_TENSOR_EQ(pa[i].second, pb[i].second);
    EXPECT_NE(pa[i].second.data_ptr(), pb[i].second.data_ptr()) << pa[i].first << " is shared";
  }
}

TEST(ModuleClone, ACloneHasItsOwnWeightsWithTheSameValues) {
  manual_seed(2);
  auto net = nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 4, 3).padding(1)), nn::BatchNorm2d(4),
                            nn::GeneralReLU(nn::GeneralReLUOptions().leak(0.1)), nn::Flatten(), nn::Linear(4 * 5 * 5, 3))
                 .ptr();
  const Tensor x = randn({2, 1, 5, 5});
  (*net)(x);  // running statistics that are not the initial ones
  net->children()[1]->eval();
  auto copy = std::dynamic_pointer_cast<nn::SequentialImpl>(net->clone());
  ASSERT_NE(copy, nullptr);
  expect_independent_equal_copy(*net, *copy);
  EXPECT_TENSOR_EQ(copy->named_buffers()[0].second, net->named_buffers()[0].second);  // running_mean
  EXPECT_FALSE(copy->children()[1]->is_training());  // modes copied module by module
  EXPECT_TRUE(copy->children()[0]->is_training());
  EXPECT_TENSOR_EQ((*copy)(x), (*net)(x));
  // Training the clone leaves the original alone.
  const Tensor before = net->parameters()[0].detach().clone();
  optim::SGD opt(copy->parameters(), optim::SGDOptions(0.5));
  (*copy)(x).sum().backward();
  opt.step();
  EXPECT_TENSOR_EQ(net->parameters()[0], before);
  EXPECT_FALSE(equal(copy->parameters()[0], before));
  EXPECT_FALSE(net->parameters()[0].grad().defined());
}

TEST(ModuleClone, CloneableUserModulesAndContainersAndFrozenOrConvertedTensors) {
  manual_seed(3);
  TwoLayer net(5);
  net->fc1->requires_grad_(false);
  net->to(kFloat64);
  auto copy = std::dynamic_pointer_cast<TwoLayerImpl>(net->clone());
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->hidden, 5);
  expect_independent_equal_copy(*net, *copy);
  EXPECT_NE(copy->fc1->weight.data_ptr(), net->fc1->weight.data_ptr());  // the member points at the copy's own
  EXPECT_FALSE(copy->fc1->weight.requires_grad());
  EXPECT_EQ(copy->fc2->weight.dtype(), kFloat64);
  const Tensor x = randn({4, 3}, kFloat64);
  EXPECT_TENSOR_EQ(copy->forward(x), net->forward(x));

  nn::ModuleList list(nn::Linear(2, 2), nn::ReLU());
  auto list_copy = std::dynamic_pointer_cast<nn::ModuleListImpl>(list->clone());
  ASSERT_EQ(list_copy->size(), 2u);
  expect_independent_equal_copy(*list, *list_copy);
  auto res = models::ResNet(models::ResNetOptions().blocks_per_stage(1)).ptr();
  expect_independent_equal_copy(*res, *res->clone());
  // The course's models: XResNet (a Sequential of ResBlocks; one block per stage keeps the test
  // quick under the sanitizers), RunningBatchNorm, AdaptiveConcatPool2d.
  nn::Sequential xres = models::xresnet(1, {1, 1, 1, 1}, 1, 10);
  const auto xres_copy = xres->clone();
  expect_independent_equal_copy(*xres, *xres_copy);
  EXPECT_EQ(xres_copy->named_buffers().size(), xres->named_buffers().size());
  nn::RunningBatchNorm rbn(4, 0.2, 1e-4);
  auto rbn_copy = std::dynamic_pointer_cast<nn::RunningBatchNormImpl>(rbn->clone());
  EXPECT_EQ(rbn_copy->momentum, 0.2);
  EXPECT_NE(rbn_copy->sums.data_ptr(), rbn->sums.data_ptr());
  nn::AdaptiveConcatPool2d pool(2);
  EXPECT_EQ(std::dynamic_pointer_cast<nn::AdaptiveConcatPool2dImpl>(pool->clone())->forward(ones({1, 2, 4, 4})).sizes(),
            (Shape{1, 4, 2, 2}));
}

TEST(ModuleClone, AModuleItCannotRebuildIsAClearError) {
  Net net;  // built in its constructor, with no options to rebuild it from
  EXPECT_THROW_MSG(net->clone(), ValueError,
                   "[Net] cannot be cloned: ember copies a module by rebuilding it, and Net has no way to be rebuilt");
  EXPECT_THROW_MSG(net->clone(), ValueError, "derive it from nn::Cloneable<NetImpl> and build it in reset()");
}

}  // namespace
}  // namespace ember
