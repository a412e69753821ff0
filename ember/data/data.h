// Everything in ember::data.
#pragma once

#include "ember/data/data_block.h"
#include "ember/data/dataloader.h"
#include "ember/data/dataset.h"
#include "ember/data/idx.h"
#include "ember/data/image.h"
#include "ember/data/image_codec.h"
#include "ember/data/image_folder.h"
#include "ember/data/mnist.h"
#include "ember/data/sampler.h"
#include "ember/data/split.h"
#include "ember/data/transform_dataset.h"
#include "ember/data/transforms.h"
