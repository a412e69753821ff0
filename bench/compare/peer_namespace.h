// For sources built twice, against ember and (with EMBER_PEER_LIBTORCH defined) against libtorch:
// T names whichever library this build is for, so the code between is written once.
#pragma once

#ifdef EMBER_PEER_LIBTORCH
#include <torch/torch.h>
namespace T = torch;
#else
#include <ember/ember.h>
namespace T = ember;
#endif
