// Anomaly mode: off by default; on, the first NaN or infinity in an op's output or in a gradient
// throws, naming the op (and for a gradient the node and its forward op); the guard nests.
#include "support/tensor_expect.h"

namespace ember {
namespace {

using autograd::AnomalyMode;
using autograd::DetectAnomalyGuard;

TEST(AnomalyMode, OffByDefaultAndNonFiniteValuesPassSilently) {
  EXPECT_FALSE(AnomalyMode::is_enabled());
  Tensor x = tensor({1.0, 1000.0}, requires_grad());
  EXPECT_TRUE(std::isinf(x.exp().sum().item<double>()));
}

TEST(AnomalyMode, NamesTheOpWhoseOutputIsNotFinite) {
  DetectAnomalyGuard guard;
  Tensor x = tensor({1.0, 1000.0}, requires_grad());
  EXPECT_THROW_MSG(x.exp(), AutogradError,
                   "[anomaly] the output of Exp holds inf at flat index 1 of shape (2) (found by DetectAnomalyGuard)");
  // Also without a graph: the check is every op's, recording or not.
  NoGradGuard no_grad;
  EXPECT_THROW_MSG(tensor({-1.0}).log(), AutogradError, "[anomaly] the output of Log holds nan at flat index 0");
  EXPECT_THROW_MSG(tensor({1.0}).div(tensor({0.0})), AutogradError, "the output of Div holds inf");
  // mm and bmm skip recording when nothing requires grad, but not the check.
  EXPECT_THROW_MSG(full({1, 1}, 1e30f).mm(full({1, 1}, 1e30f)), AutogradError, "the output of Mm holds inf");
  EXPECT_THROW_MSG(full({1, 1, 1}, 1e30f).bmm(full({1, 1, 1}, 1e30f)), AutogradError, "the output of Bmm holds inf");
}

TEST(AnomalyMode, NamesTheNodeAndForwardOpOfANonFiniteGradient) {
  // sqrt(0) = 0 is finite; its gradient 1 / (2 sqrt(0)) is not.
  Tensor x = tensor({4.0, 0.0}, requires_grad());
  Tensor y = (x.sqrt() * 3).sum();
  DetectAnomalyGuard guard;
  EXPECT_THROW_MSG(y.backward({}, /*retain_graph=*/true), AutogradError,  // the matcher runs it twice
                   "[anomaly] the gradient for input 0 computed by SqrtBackward (the backward of Sqrt) holds inf at "
                   "flat index 1 of shape (2)");
}

TEST(AnomalyMode, FiniteWorkIsUnchanged) {
  Tensor a = randn({3, 4}, requires_grad()), b = randn({4, 2}, requires_grad());
  (a.matmul(b).relu().sum()).backward();
  const Tensor ga = a.grad().clone();
  a.grad().zero_();
  {
    DetectAnomalyGuard guard;
    (a.matmul(b).relu().sum()).backward();
  }
  EXPECT_TENSOR_EQ(a.grad(), ga);
}

TEST(AnomalyMode, GuardsNestAndRestore) {
  {
    DetectAnomalyGuard outer;
    {
      DetectAnomalyGuard inner;
      EXPECT_TRUE(AnomalyMode::is_enabled());
    }
    EXPECT_TRUE(AnomalyMode::is_enabled());
  }
  EXPECT_FALSE(AnomalyMode::is_enabled());
  AnomalyMode::set_enabled(true);
  EXPECT_TRUE(AnomalyMode::is_enabled());
  AnomalyMode::set_enabled(false);
}

TEST(AnomalyMode, CheckNanFalseKeepsTheModeOnButChecksNothing) {
  // libtorch's DetectAnomalyGuard(check_nan = false); its stack traces have no ember twin.
  {
    DetectAnomalyGuard guard(/*check_nan=*/false);
    EXPECT_TRUE(AnomalyMode::is_enabled());
    EXPECT_FALSE(AnomalyMode::should_check_nan());
    EXPECT_NO_THROW(tensor({-1.0}).log());
    DetectAnomalyGuard inner;  // checking again inside
    EXPECT_THROW(tensor({-1.0}).log(), AutogradError);
  }
  EXPECT_FALSE(AnomalyMode::is_enabled());
  EXPECT_TRUE(AnomalyMode::should_check_nan());
}

}  // namespace
}  // namespace ember
