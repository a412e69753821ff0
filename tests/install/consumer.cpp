// A user program written as with libtorch, built against the *installed* ember (see
// check_install.sh). Also the README's example.
#include <ember/ember.h>

#include <iostream>

int main() {
  ember::manual_seed(0);
  auto x = ember::randn({64, 784});                         // a batch of inputs
  auto y = ember::randint(0, 10, {64});                     // and their classes
  auto w = ember::randn({784, 10}, ember::requires_grad());
  auto b = ember::zeros({10}, ember::requires_grad());

  for (int step = 0; step < 20; ++step) {
    auto loss = ember::cross_entropy_loss(x.matmul(w) + b, y);
    loss.backward();
    {
      ember::NoGradGuard no_grad;
      w -= w.grad() * 0.1;
      b -= b.grad() * 0.1;
      w.grad().zero_();
      b.grad().zero_();
    }
    if (step % 5 == 0) std::cout << "step " << step << " loss " << loss.item<float>() << "\n";
  }
  std::cout << (x.matmul(w) + b).argmax(1).slice(0, 0, 8) << "\n" << y.slice(0, 0, 8) << "\n";
}
