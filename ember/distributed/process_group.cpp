#include "ember/distributed/process_group.h"

#include <mpi.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <mutex>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/creation.h"

namespace ember::distributed {

namespace {

MPI_Datatype mpi_type(ScalarType dtype) {
  switch (dtype) {
    case kFloat32: return MPI_FLOAT;
    case kFloat64: return MPI_DOUBLE;
    case kInt64: return MPI_INT64_T;
    case kInt32: return MPI_INT32_T;
    default: return MPI_UINT8_T;  // check_sendable let only kUInt8 through
  }
}

MPI_Op mpi_op(ReduceOp op) {
  switch (op) {
    case ReduceOp::MAX: return MPI_MAX;
    case ReduceOp::MIN: return MPI_MIN;
    default: return MPI_SUM;  // AVG: the sum, divided afterwards
  }
}

// What every collective asks of its tensor, with and without MPI, so that a program fails the
// same way in one process as under mpirun.
void check_sendable(const Tensor& t, const char* op) {
  EMBER_CHECK(t.defined(), ValueError, "[", op, "] the tensor is undefined");
  const ScalarType d = t.dtype();
  EMBER_CHECK(d == kFloat32 || d == kFloat64 || d == kInt64 || d == kInt32 || d == kUInt8, TypeError, "[", op,
              "] tensors of dtype ", dtype_name(d), " cannot be sent; use kFloat32, kFloat64, kInt64, kInt32 or kUInt8");
  EMBER_CHECK(t.is_contiguous(), ValueError, "[", op, "] the tensor must be contiguous (collectives work in place on its "
              "memory); call contiguous() first. Its shape is ", shape_str(t.sizes()));
  EMBER_CHECK(t.numel() <= INT32_MAX, ValueError, "[", op, "] ", t.numel(), " elements is more than one MPI message holds (",
              INT32_MAX, "); split the tensor");
}

void check_allreduce(const Tensor& t, ReduceOp op) {
  check_sendable(t, "allreduce");
  EMBER_CHECK(op != ReduceOp::AVG || is_floating_point(t.dtype()), TypeError,
              "[allreduce] AVG needs a floating-point tensor; this one is ", dtype_name(t.dtype()));
}

void finish_average(Tensor& t, ReduceOp op, int size) {
  if (op != ReduceOp::AVG) return;
  NoGradGuard no_grad;
  t.div_(static_cast<double>(size));
}

class MPIWork : public Work {
 public:
  MPIWork(MPI_Request request, Tensor tensor, ReduceOp op, int size)
      : request_(request), tensor_(std::move(tensor)), op_(op), size_(size) {}
  ~MPIWork() override {
    if (!done_) wait();  // MPI still writes into the tensor: never free it under the operation
  }
  bool is_completed() override {
    if (done_) return true;
    int flag = 0;
    MPI_Test(&request_, &flag, MPI_STATUS_IGNORE);
    if (flag) finish();
    return done_;
  }
  void wait() override {
    if (done_) return;
    MPI_Wait(&request_, MPI_STATUS_IGNORE);
    finish();
  }

 private:
  void finish() {
    done_ = true;
    finish_average(tensor_, op_, size_);
  }
  MPI_Request request_;
  Tensor tensor_;
  ReduceOp op_;
  int size_;
  bool done_ = false;
};

class MPIProcessGroup : public ProcessGroup {
 public:
  MPIProcessGroup() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  // Blocking: MPI's tuned algorithms (its non-blocking ones take a slower, general path).
  void allreduce(Tensor& tensor, ReduceOp op) override {
    check_allreduce(tensor, op);
    MPI_Allreduce(MPI_IN_PLACE, tensor.data_ptr(), static_cast<int>(tensor.numel()), mpi_type(tensor.dtype()),
                  mpi_op(op), MPI_COMM_WORLD);
    finish_average(tensor, op, size_);
  }

  std::shared_ptr<Work> allreduce_async(Tensor& tensor, ReduceOp op) override {
    check_allreduce(tensor, op);
    MPI_Request request;
    MPI_Iallreduce(MPI_IN_PLACE, tensor.data_ptr(), static_cast<int>(tensor.numel()), mpi_type(tensor.dtype()),
                   mpi_op(op), MPI_COMM_WORLD, &request);
    return std::make_shared<MPIWork>(request, tensor, op, size_);
  }

  void broadcast(Tensor& tensor, int root) override {
    check_sendable(tensor, "broadcast");
    EMBER_CHECK(root >= 0 && root < size_, ValueError, "[broadcast] root must be a rank in [0, ", size_, "); got ", root);
    MPI_Bcast(tensor.data_ptr(), static_cast<int>(tensor.numel()), mpi_type(tensor.dtype()), root,
              MPI_COMM_WORLD);
  }

  std::vector<Tensor> allgather(const Tensor& tensor) override {
    check_sendable(tensor, "allgather");
    const MPI_Datatype type = mpi_type(tensor.dtype());
    check_same_everywhere(*this, "the shape and dtype of allgather's tensor",
                          shape_str(tensor.sizes()) + " " + dtype_name(tensor.dtype()));
    Shape gathered_shape{size_};
    gathered_shape.insert(gathered_shape.end(), tensor.sizes().begin(), tensor.sizes().end());
    Tensor gathered = empty(gathered_shape, TensorOptions().dtype(tensor.dtype()));
    MPI_Allgather(tensor.data_ptr(), static_cast<int>(tensor.numel()), type, gathered.data_ptr(),
                  static_cast<int>(tensor.numel()), type, MPI_COMM_WORLD);
    std::vector<Tensor> out;
    for (int r = 0; r < size_; ++r) out.push_back(gathered.select(0, r));
    return out;
  }

  std::vector<std::string> allgather(const std::string& text) override {
    const int length = static_cast<int>(text.size());
    std::vector<int> lengths(static_cast<size_t>(size_)), offsets(static_cast<size_t>(size_));
    MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, MPI_COMM_WORLD);
    int total = 0;
    for (int r = 0; r < size_; ++r) {
      offsets[static_cast<size_t>(r)] = total;
      total += lengths[static_cast<size_t>(r)];
    }
    std::string all(static_cast<size_t>(total), '\0');
    MPI_Allgatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, MPI_COMM_WORLD);
    std::vector<std::string> out;
    for (int r = 0; r < size_; ++r)
      out.push_back(all.substr(static_cast<size_t>(offsets[static_cast<size_t>(r)]), static_cast<size_t>(lengths[static_cast<size_t>(r)])));
    return out;
  }

  void barrier() override { MPI_Barrier(MPI_COMM_WORLD); }

  [[noreturn]] void abort(const std::string& message, int code) override {
    // One write of the whole line: Open MPI's abort banner from another process must not land
    // in the middle of it.
    std::cerr << ("[rank " + std::to_string(rank_) + "] " + message + "\n") << std::flush;
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return; this is for the compiler
  }

 private:
  int rank_ = 0, size_ = 1;
};

/// One process, no MPI: every collective leaves the tensor as it is.
class SingleProcessGroup : public ProcessGroup {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allreduce(Tensor& tensor, ReduceOp op) override { check_allreduce(tensor, op); }
  std::shared_ptr<Work> allreduce_async(Tensor& tensor, ReduceOp op) override {
    struct Done : Work {
      bool is_completed() override { return true; }
      void wait() override {}
    };
    allreduce(tensor, op);
    return std::make_shared<Done>();
  }
  void broadcast(Tensor& tensor, int root) override {
    check_sendable(tensor, "broadcast");
    EMBER_CHECK(root == 0, ValueError, "[broadcast] root must be a rank in [0, 1); got ", root);
  }
  std::vector<Tensor> allgather(const Tensor& tensor) override {
    check_sendable(tensor, "allgather");
    return {tensor.clone()};
  }
  std::vector<std::string> allgather(const std::string& text) override { return {text}; }
  void barrier() override {}
  [[noreturn]] void abort(const std::string& message, int code) override {
    std::cerr << "[rank 0] " << message << std::endl;
    std::_Exit(code);
  }
};

std::mutex group_mutex;
std::shared_ptr<ProcessGroup> world_group;

void finalize_mpi() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

// An exception nobody caught, on any process: say which process and what, then end every
// process of the job (the others may be waiting for this one inside a collective).
[[noreturn]] void terminate_job() {
  std::string what = "terminate called without an active exception";
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& error) {
      what = std::string("uncaught exception: ") + error.what();
    } catch (...) {
      what = "uncaught exception of an unknown type";
    }
  }
  world_group->abort("ember: " + what, 1);
  std::abort();  // abort() does not return; a virtual call cannot say so to the compiler
}

}  // namespace

void check_same_everywhere(ProcessGroup& group, const std::string& what, const std::string& value) {
  const std::vector<std::string> all = group.allgather(value);
  std::string differing;
  for (size_t r = 1; r < all.size(); ++r)
    if (all[r] != all[0]) differing += (differing.empty() ? "" : ", ") + std::to_string(r);
  if (differing.empty()) return;
  const size_t first = std::stoul(differing.substr(0, differing.find(',')));
  throw ValueError("[distributed] " + what + " differ between processes: rank " + differing + " differ(s) from rank 0.\n" +
                   "rank 0: " + all[0] + "\nrank " + std::to_string(first) + ": " + all[first] +
                   "\n---> HINT: start every process with the same program, options and data");
}

bool launched_by_mpi() {
  // Not SLURM_PROCID alone: a batch script has it too, outside any parallel launch.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name)) return true;
  return false;
}

int local_world_size() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"})
    if (const char* value = std::getenv(name)) {
      const int n = std::atoi(value);
      if (n > 0) return n;
    }
  return 1;
}

std::shared_ptr<ProcessGroup> init_process_group() {
  std::lock_guard<std::mutex> lock(group_mutex);
  if (world_group) return world_group;
  if (!launched_by_mpi()) return world_group = std::make_shared<SingleProcessGroup>();
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    // Only the thread that called init talks to MPI (the OpenMP workers never do).
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    std::atexit(finalize_mpi);
  }
  world_group = std::make_shared<MPIProcessGroup>();
  std::set_terminate(terminate_job);
  return world_group;
}

std::shared_ptr<ProcessGroup> default_process_group() {
  std::lock_guard<std::mutex> lock(group_mutex);
  return world_group;
}

}  // namespace ember::distributed
