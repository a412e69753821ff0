// Everything in ember::train.
#pragma once

#include "ember/train/callbacks.h"
#include "ember/train/learner.h"
#include "ember/train/lr_finder.h"
#include "ember/train/lsuv.h"
#include "ember/train/metrics.h"
#include "ember/train/batch_transform.h"
#include "ember/train/mixed_precision.h"
#include "ember/train/mixup.h"
#include "ember/train/recorder.h"
#include "ember/train/schedules.h"
