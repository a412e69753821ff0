#include "ember/data/dataloader.h"

#include <algorithm>
#ifdef __linux__
#include <pthread.h>
#endif

#include "ember/core/parallel.h"

namespace ember::data {

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options)
    : dataset_(std::move(dataset)), options_(options) {
  EMBER_CHECK(dataset_ != nullptr, ValueError, "[DataLoader] dataset is null");
  EMBER_CHECK(options.batch_size_ > 0, ValueError, "[DataLoader] batch_size must be positive; got ", options.batch_size_);
  EMBER_CHECK(options.prefetch_ >= 0, ValueError, "[DataLoader] prefetch must be non-negative; got ", options.prefetch_);
  EMBER_CHECK(!(options.sampler_ && options.shuffle_), ValueError,
              "[DataLoader] a sampler decides the order itself; leave shuffle off when giving one");
}

DataLoader::~DataLoader() { stop_worker(); }

int64_t DataLoader::size() const {
  const int64_t n = options_.sampler_ ? options_.sampler_->size() : dataset_->size(), b = options_.batch_size_;
  return options_.drop_last_ ? n / b : (n + b - 1) / b;
}

Example DataLoader::make_batch(int64_t b) const {
  const int64_t begin = b * options_.batch_size_;
  const int64_t end = std::min<int64_t>(begin + options_.batch_size_, static_cast<int64_t>(order_.size()));
  return dataset_->get_batch(std::vector<int64_t>(order_.begin() + begin, order_.begin() + end));
}

void DataLoader::stop_worker() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void DataLoader::start_epoch() {
  stop_worker();
  order_ = options_.sampler_ ? options_.sampler_->indices(epoch_)
                             : epoch_order(dataset_->size(), options_.shuffle_, options_.seed_, epoch_);
  dataset_->set_epoch(epoch_);
  ++epoch_;
  next_ = 0;
  ready_.clear();
  stop_ = false;
  worker_error_ = nullptr;
  if (options_.prefetch_ == 0) return;
  worker_ = std::thread([this] {
#ifdef __linux__
    pthread_setname_np(pthread_self(), "ember-loader");  // so top, perf and gdb can tell it apart
#endif
    set_this_thread_serial();  // its own core at most: the training step owns the others
    for (int64_t b = 0; b < size(); ++b) {
      Example batch;
      try {
        batch = make_batch(b);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        worker_error_ = std::current_exception();
        cv_.notify_all();
        return;
      }
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stop_ || static_cast<int>(ready_.size()) < options_.prefetch_; });
      if (stop_) return;
      ready_.push_back(std::move(batch));
      cv_.notify_all();
    }
  });
}

std::optional<Example> DataLoader::next_batch() {
  if (next_ >= size()) return std::nullopt;
  ++next_;
  if (options_.prefetch_ == 0) return make_batch(next_ - 1);
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return !ready_.empty() || worker_error_; });
  if (ready_.empty()) std::rethrow_exception(worker_error_);
  Example batch = std::move(ready_.front());
  ready_.pop_front();
  cv_.notify_all();
  return batch;
}

DataLoader::Iterator::Iterator(DataLoader* loader) : loader_(loader) {
  if (!loader_) return;
  if (auto batch = loader_->next_batch()) current_ = std::move(*batch);
  else loader_ = nullptr;
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  if (auto batch = loader_->next_batch()) current_ = std::move(*batch);
  else loader_ = nullptr;
  return *this;
}

DataLoader::Iterator DataLoader::begin() {
  start_epoch();
  return Iterator(this);
}

}  // namespace ember::data
