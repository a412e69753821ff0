// DistributedDataParallel: one model replicated on every process of a ProcessGroup, each process
// training on its own shard of every batch, their gradients averaged so that every replica takes
// the same step: the step one process would take on the whole batch (PyTorch's DDP).
//   auto pg = distributed::init_process_group();
//   distributed::DistributedDataParallel ddp(model, pg);
//   loss_fn(ddp(x_shard), y_shard).backward();  // gradients averaged over the processes
//   optimizer.step();
//
// How: at construction rank 0's parameters and buffers are broadcast (and every process checks
// that its model has the same parameter names and shapes). The parameters are grouped into
// buckets of about bucket_cap_mb, in reverse registration order (roughly the order backward
// finishes them). A hook on each parameter counts the gradients backward has finished; when a
// bucket's are all there they are copied, divided by the number of processes, into one flat
// buffer and its allreduce is started without blocking, while backward goes on with the layers
// below. Buckets start strictly in order, so every process issues the same collectives in the
// same order. When backward ends, the remaining buckets are sent (the last one with a blocking
// allreduce, MPI's faster kind, as nothing is left to overlap it with; a parameter no process
// gave a gradient to counts as zero), all are waited for, and each gradient becomes its bucket's
// sum: the average. The optimiser step then sees averaged gradients.
//
// Buffers (BatchNorm's running statistics) follow rank 0: with broadcast_buffers (the default)
// each training forward starts by copying rank 0's buffers everywhere, as PyTorch's does. Each
// process normalises by the statistics of its own shard (there is no SyncBatchNorm).
#pragma once

#include <memory>
#include <vector>

#include "ember/distributed/process_group.h"
#include "ember/nn/module.h"

namespace ember::distributed {

struct DistributedDataParallelOptions {
  /// The size of a gradient bucket in MiB (PyTorch's name). Smaller buckets start sending
  /// earlier in backward; each costs one allreduce's latency.
  DistributedDataParallelOptions& bucket_cap_mb(double v) { bucket_cap_mb_ = v; return *this; }
  /// Copy rank 0's buffers to every process before each training forward.
  DistributedDataParallelOptions& broadcast_buffers(bool v) { broadcast_buffers_ = v; return *this; }
  double bucket_cap_mb_ = 2;
  bool broadcast_buffers_ = true;
};

class DistributedDataParallelImpl : public nn::Module {
 public:
  DistributedDataParallelImpl(std::shared_ptr<nn::Module> module, std::shared_ptr<ProcessGroup> process_group,
                              DistributedDataParallelOptions options = {});
  ~DistributedDataParallelImpl() override;

  /// sync_buffers() in training mode (when broadcast_buffers), then the wrapped module's forward.
  Tensor forward(const Tensor& input) override;

  /// The wrapped model (PyTorch's ddp.module): save and load its state, not the wrapper's, whose
  /// names carry a "module." prefix.
  nn::Module& module() const { return *module_; }
  const std::shared_ptr<nn::Module>& module_ptr() const { return module_; }
  const std::shared_ptr<ProcessGroup>& process_group() const { return group_; }
  const DistributedDataParallelOptions& options() const { return options_; }
  /// Copies rank 0's buffers to every process.
  void sync_buffers();

  /// While the returned guard lives, backward only accumulates each process's own gradients
  /// (PyTorch's no_sync, for accumulating several micro-batches); the first backward after it
  /// averages all that was accumulated. Every process must use it for the same backward passes.
  class [[nodiscard]] NoSync {
   public:
    explicit NoSync(DistributedDataParallelImpl& ddp) : ddp_(&ddp), was_(ddp.require_sync_) { ddp.require_sync_ = false; }
    NoSync(const NoSync&) = delete;
    NoSync& operator=(const NoSync&) = delete;
    ~NoSync() { ddp_->require_sync_ = was_; }

   private:
    DistributedDataParallelImpl* ddp_;
    bool was_;
  };
  NoSync no_sync() { return NoSync(*this); }
  /// The parameter indices (in parameters() order) of each bucket, in the order they are sent.
  std::vector<std::vector<size_t>> bucket_indices() const;

 private:
  struct Bucket {
    std::vector<size_t> params;    // indices into params_
    std::vector<int64_t> offsets;  // where each parameter starts in `flat`
    Tensor flat;                   // every gradient of the bucket, end to end
    size_t ready = 0;              // gradients of this backward already accumulated
    std::shared_ptr<Work> work;    // the allreduce under way, null before it starts
  };
  void on_gradient(size_t param);
  void launch_ready_buckets();
  void launch(Bucket& bucket, bool blocking);
  void finish_backward();
  /// After a backward that threw: waits for the buckets under way and forgets them.
  void abandon_backward() noexcept;

  std::shared_ptr<nn::Module> module_;
  std::shared_ptr<ProcessGroup> group_;
  DistributedDataParallelOptions options_;
  std::vector<Tensor> params_;  // those that require grad, in registration order
  std::vector<size_t> hook_ids_;
  std::vector<size_t> bucket_of_;  // params_ index -> bucket
  std::vector<Bucket> buckets_;
  size_t next_bucket_ = 0;         // the next bucket to start
  bool in_backward_ = false;       // a hook fired and finish_backward is queued
  bool require_sync_ = true;       // false under no_sync()
};
EMBER_MODULE(DistributedDataParallel);

}  // namespace ember::distributed
