#include "ember/distributed/data_parallel_learner.h"

#include "ember/ops/creation.h"

namespace ember::distributed {

namespace {

// Holds ddp for as long as the learner lives, and keeps buffers as rank 0 has them.
class SyncBuffers : public train::Callback {
 public:
  SyncBuffers(DistributedDataParallel ddp, bool each_batch) : ddp_(std::move(ddp)), each_batch_(each_batch) {}
  int order() const override { return -100; }  // before anything looks at the model
  void before_batch(train::Learner& learn) override {
    if (each_batch_ && learn.state().training && ddp_->options().broadcast_buffers_) ddp_->sync_buffers();
  }

 private:
  DistributedDataParallel ddp_;
  bool each_batch_;
};

}  // namespace

void make_data_parallel(train::Learner& learner, DistributedDataParallel ddp) {
  learner.set_reducer([group = ddp->process_group()](std::vector<double>& sums) {
    Tensor totals = from_blob(sums.data(), {static_cast<int64_t>(sums.size())}, TensorOptions().dtype(kFloat64));
    group->allreduce(totals, ReduceOp::SUM);
  });
  const bool trains_wrapped_module = &learner.model() != static_cast<nn::Module*>(ddp.ptr().get());
  learner.add_callback(std::make_shared<SyncBuffers>(std::move(ddp), trains_wrapped_module));
}

}  // namespace ember::distributed
