// ember: deep learning from the foundations, in C++. The one header a user includes:
//   #include <ember/ember.h>
//   auto w = ember::randn({784, 10}, ember::requires_grad());
//   auto loss = ember::cross_entropy_loss(x.matmul(w), y);
//   loss.backward();
#pragma once

#include "ember/autograd/anomaly_mode.h"
#include "ember/autograd/function.h"
#include "ember/autograd/grad_mode.h"
#include "ember/autograd/gradcheck.h"
#include "ember/autograd/node.h"
#include "ember/core/atomic_file.h"
#include "ember/core/dtype.h"
#include "ember/core/error.h"
#include "ember/core/parallel.h"
#include "ember/core/random.h"
#include "ember/core/scalar.h"
#include "ember/core/shape.h"
#include "ember/kernels/gemm.h"
#include "ember/ops/activation.h"
#include "ember/ops/conv.h"
#include "ember/ops/creation.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/indexing.h"
#include "ember/ops/linalg.h"
#include "ember/ops/loss.h"
#include "ember/ops/normalization.h"
#include "ember/ops/pooling.h"
#include "ember/ops/reduction.h"
#include "ember/ops/shape_ops.h"
#include "ember/data/data.h"
#include "ember/models/models.h"
#include "ember/nn/nn.h"
#include "ember/optim/optim.h"
#include "ember/serialize/module_io.h"
#include "ember/train/train.h"
#include "ember/tensor/allocator.h"
#include "ember/tensor/tensor.h"
