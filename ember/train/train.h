// Everything in ember::train.
#pragma once

#include "ember/train/callbacks.h"
#include "ember/train/learner.h"
#include "ember/train/lsuv.h"
#include "ember/train/metrics.h"
