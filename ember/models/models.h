// ember::models: whole networks built from ember::nn's public layers.
#pragma once

#include "ember/models/bn_cnn.h"
#include "ember/models/resnet.h"
#include "ember/models/xresnet.h"
