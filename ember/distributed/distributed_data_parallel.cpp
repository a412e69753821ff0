#include "ember/distributed/distributed_data_parallel.h"

#include <sstream>

#include "ember/autograd/engine.h"
#include "ember/autograd/grad_mode.h"
#include "ember/ops/creation.h"

namespace ember::distributed {

DistributedDataParallelImpl::DistributedDataParallelImpl(std::shared_ptr<nn::Module> module,
                                                         std::shared_ptr<ProcessGroup> process_group,
                                                         DistributedDataParallelOptions options)
    : nn::Module("DistributedDataParallel"), module_(std::move(module)), group_(std::move(process_group)), options_(options) {
  EMBER_CHECK(module_ != nullptr, ValueError, "[DistributedDataParallel] the module is null");
  EMBER_CHECK(group_ != nullptr, ValueError, "[DistributedDataParallel] the process group is null; "
              "call distributed::init_process_group() first");
  EMBER_CHECK(options_.bucket_cap_mb_ > 0, ValueError, "[DistributedDataParallel] bucket_cap_mb must be positive; got ",
              options_.bucket_cap_mb_);
  register_module("module", module_);

  // Every replica must be the same model: names, shapes and dtypes of parameters and buffers.
  std::ostringstream layout;
  for (const auto& [name, t] : module_->named_parameters()) layout << name << shape_str(t.sizes()) << dtype_name(t.dtype()) << ";";
  for (const auto& [name, t] : module_->named_buffers()) layout << name << shape_str(t.sizes()) << dtype_name(t.dtype()) << ";";
  check_same_everywhere(*group_, "the models' parameters and buffers (names, shapes, dtypes)", layout.str());

  {
    NoGradGuard no_grad;
    for (Tensor& p : module_->parameters()) {
      EMBER_CHECK(p.is_contiguous(), ValueError, "[DistributedDataParallel] parameters must be contiguous");
      group_->broadcast(p, 0);
    }
  }
  sync_buffers();

  for (const Tensor& p : module_->parameters())
    if (p.requires_grad()) params_.push_back(p);
  // Buckets in reverse registration order, one dtype each, about bucket_cap_mb each.
  const double cap_bytes = options_.bucket_cap_mb_ * 1024 * 1024;
  bucket_of_.resize(params_.size());
  double bytes = 0;
  for (size_t i = params_.size(); i-- > 0;) {
    const Tensor& p = params_[i];
    const double size = static_cast<double>(p.numel() * static_cast<int64_t>(element_size(p.dtype())));
    if (buckets_.empty() || bytes + size > cap_bytes || params_[buckets_.back().params.front()].dtype() != p.dtype()) {
      buckets_.emplace_back();
      bytes = 0;
    }
    Bucket& b = buckets_.back();
    b.offsets.push_back(b.params.empty() ? 0 : b.offsets.back() + params_[b.params.back()].numel());
    b.params.push_back(i);
    bucket_of_[i] = buckets_.size() - 1;
    bytes += size;
  }
  for (Bucket& b : buckets_) {
    const Tensor& last = params_[b.params.back()];
    b.flat = empty({b.offsets.back() + last.numel()}, TensorOptions().dtype(last.dtype()));
  }
  for (size_t i = 0; i < params_.size(); ++i)
    hook_ids_.push_back(params_[i].register_post_accumulate_grad_hook([this, i](Tensor&) { on_gradient(i); }));
}

DistributedDataParallelImpl::~DistributedDataParallelImpl() {
  for (size_t i = 0; i < params_.size(); ++i) params_[i].remove_post_accumulate_grad_hook(hook_ids_[i]);
}

Tensor DistributedDataParallelImpl::forward(const Tensor& input) {
  if (is_training() && options_.broadcast_buffers_) sync_buffers();
  return (*module_)(input);
}

void DistributedDataParallelImpl::sync_buffers() {
  if (group_->size() == 1) return;
  NoGradGuard no_grad;
  for (Tensor& b : module_->buffers()) {
    if (b.is_contiguous()) {
      group_->broadcast(b, 0);
    } else {
      Tensor copy = b.contiguous();
      group_->broadcast(copy, 0);
      b.copy_(copy);
    }
  }
}

std::vector<std::vector<size_t>> DistributedDataParallelImpl::bucket_indices() const {
  std::vector<std::vector<size_t>> out;
  for (const Bucket& b : buckets_) out.push_back(b.params);
  return out;
}

void DistributedDataParallelImpl::on_gradient(size_t param) {
  if (!require_sync_) return;
  if (!in_backward_) {
    in_backward_ = true;
    // A backward that throws drops its queued callbacks unrun: the token's destructor then
    // forgets this backward's buckets, so the next one starts clean instead of never averaging.
    struct Token {
      explicit Token(DistributedDataParallelImpl* owner) : ddp(owner) {}
      Token(const Token&) = delete;
      ~Token() {
        if (!ran) ddp->abandon_backward();
      }
      DistributedDataParallelImpl* ddp;
      bool ran = false;
    };
    autograd::queue_callback([token = std::make_shared<Token>(this)] {
      token->ran = true;
      token->ddp->finish_backward();
    });
  }
  Bucket& bucket = buckets_[bucket_of_[param]];
  ++bucket.ready;
  if (bucket.ready == bucket.params.size()) launch_ready_buckets();
  // MPI moves non-blocking collectives along only inside MPI calls: give the ones under way a turn.
  for (size_t b = 0; b < next_bucket_; ++b)
    if (buckets_[b].work) buckets_[b].work->is_completed();
}

void DistributedDataParallelImpl::launch_ready_buckets() {
  // The last bucket waits for finish_backward: nothing is left to overlap it with, and a blocking
  // allreduce is faster than a non-blocking one.
  while (next_bucket_ + 1 < buckets_.size() && buckets_[next_bucket_].ready == buckets_[next_bucket_].params.size())
    launch(buckets_[next_bucket_++], false);
}

namespace {
// dst[i] = src[i] * scale over n contiguous values of dtype T.
template <class T>
void scaled_copy(T* dst, const T* src, int64_t n, double scale) {
  const T s = static_cast<T>(scale);
  for (int64_t i = 0; i < n; ++i) dst[i] = src[i] * s;
}
}  // namespace

void DistributedDataParallelImpl::launch(Bucket& bucket, bool blocking) {
  // Each gradient goes in divided by the number of processes, so the sum is the average.
  const double scale = 1.0 / group_->size();
  for (size_t k = 0; k < bucket.params.size(); ++k) {
    const Tensor& p = params_[bucket.params[k]];
    Tensor slot = bucket.flat.narrow(0, bucket.offsets[k], p.numel());
    const Tensor grad = p.grad();
    if (!grad.defined()) {
      slot.zero_();  // no gradient reached it on this process
      continue;
    }
    const Tensor g = grad.contiguous();
    dispatch_floating(g.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      scaled_copy(slot.data_ptr<T>(), g.data_ptr<T>(), p.numel(), scale);
    });
  }
  if (blocking) group_->allreduce(bucket.flat, ReduceOp::SUM);
  else bucket.work = group_->allreduce_async(bucket.flat, ReduceOp::SUM);
}

void DistributedDataParallelImpl::finish_backward() {
  NoGradGuard no_grad;
  for (; next_bucket_ < buckets_.size(); ++next_bucket_) launch(buckets_[next_bucket_], next_bucket_ + 1 == buckets_.size());
  for (Bucket& bucket : buckets_) {
    if (bucket.work) bucket.work->wait();
    bucket.work = nullptr;
    bucket.ready = 0;
    for (size_t k = 0; k < bucket.params.size(); ++k) {
      Tensor& p = params_[bucket.params[k]];
      const Tensor average = bucket.flat.narrow(0, bucket.offsets[k], p.numel()).view(p.sizes());
      Tensor grad = p.grad();
      if (grad.defined()) grad.copy_(average);
      else p.set_grad(average.clone());
    }
  }
  next_bucket_ = 0;
  in_backward_ = false;
}

void DistributedDataParallelImpl::abandon_backward() noexcept {
  for (Bucket& bucket : buckets_) {
    if (bucket.work) bucket.work->wait();  // MPI still writes into the bucket until then
    bucket.work = nullptr;
    bucket.ready = 0;
  }
  next_bucket_ = 0;
  in_backward_ = false;
}

}  // namespace ember::distributed
