// The Learner as one process of data-parallel training: each process runs the same Learner on
// its shard of every batch (a DataLoader with a DistributedSampler), DistributedDataParallel
// averages the gradients, and this makes the losses and metrics describe the whole data set on
// every process, so EarlyStopping and schedules decide alike everywhere. Printing and writing
// files is left to rank 0: add those callbacks there only.
//   distributed::DistributedDataParallel ddp(model, pg);
//   train::Learner learn(model, train_shard_loader, valid_shard_loader, loss, optimizer);
//   distributed::make_data_parallel(learn, ddp);
//   if (pg->rank() == 0) learn.add_callback(std::make_shared<train::ProgressCallback>(std::cout));
#pragma once

#include "ember/distributed/distributed_data_parallel.h"
#include "ember/train/learner.h"

namespace ember::distributed {

/// Sets the learner's reducer to a sum over ddp's processes, and, when the learner trains ddp's
/// wrapped module rather than ddp itself (so that checkpoints keep the model's own names), adds a
/// callback that copies rank 0's buffers everywhere before each training batch, as ddp's forward
/// would. The learner keeps ddp alive.
void make_data_parallel(train::Learner& learner, DistributedDataParallel ddp);

}  // namespace ember::distributed
