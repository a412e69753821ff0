// ProcessGroup: the processes of one data-parallel job and the collectives between them
// (c10d's ProcessGroup, over MPI). Every process calls the same collectives in the same order;
// each call returns when its own part is done, and the _async forms return a Work to wait on, so
// a gradient can travel while backward computes the next one.
//   auto pg = distributed::init_process_group();  // under mpirun / srun
//   pg->allreduce(t);                              // t now holds the sum over every process
// MPI stays inside process_group.cpp: this header needs no mpi.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember::distributed {

/// c10d's names. AVG divides the sum by the number of processes (floating-point tensors only).
enum class ReduceOp { SUM, AVG, MAX, MIN };

/// A collective under way (c10d's Work). Keeps its tensor alive until it completes.
class Work {
 public:
  virtual ~Work() = default;
  /// True once the result is in the tensor; also lets MPI move the operation along.
  virtual bool is_completed() = 0;
  /// Blocks until the result is in the tensor.
  virtual void wait() = 0;
};

class ProcessGroup {
 public:
  virtual ~ProcessGroup() = default;
  /// This process's number, 0..size()-1; rank 0 is the one that prints and writes files.
  virtual int rank() const = 0;
  /// The number of processes.
  virtual int size() const = 0;

  /// In place: every process's `tensor` becomes the reduction over all of them. The tensor must
  /// be contiguous, of the same shape and dtype everywhere (kFloat32, kFloat64, kInt64, kInt32 or
  /// kUInt8).
  virtual void allreduce(Tensor& tensor, ReduceOp op = ReduceOp::SUM) = 0;
  virtual std::shared_ptr<Work> allreduce_async(Tensor& tensor, ReduceOp op = ReduceOp::SUM) = 0;
  /// In place: every process's `tensor` becomes root's.
  virtual void broadcast(Tensor& tensor, int root = 0) = 0;
  /// Every process's `tensor`, in rank order.
  virtual std::vector<Tensor> allgather(const Tensor& tensor) = 0;
  /// Every process's string, in rank order (any length).
  virtual std::vector<std::string> allgather(const std::string& text) = 0;
  /// Returns once every process has called it.
  virtual void barrier() = 0;
  /// Ends the whole job now: prints "[rank R] message" to stderr and takes every process down
  /// with exit status `code` (MPI_Abort). For an error that the other processes cannot know of.
  [[noreturn]] virtual void abort(const std::string& message, int code = 1) = 0;
};

/// Throws ValueError, on every process, when `value` (a description of something that must be
/// equal everywhere: a model's parameters, a run's options) differs between processes; the
/// message names `what`, the ranks that differ from rank 0, and both values.
void check_same_everywhere(ProcessGroup& group, const std::string& what, const std::string& value);

/// True when this process was started by an MPI launcher: mpirun / mpiexec (Open MPI, MPICH,
/// or any PMI/PMIx launcher, Slurm's srun --mpi=pmix or pmi2 among them).
bool launched_by_mpi();

/// The number of processes of this job on this machine as Open MPI or MPICH's launchers say (1
/// when they do not), to share the cores between them.
int local_world_size();

/// The group of every process of the job (MPI_COMM_WORLD). The first call initialises MPI
/// (finalised at exit) and installs a terminate handler so that an uncaught exception on any
/// process ends the whole job with its message and rank instead of leaving the others waiting.
/// Later calls return the same group. Without an MPI launcher it is a group of one.
std::shared_ptr<ProcessGroup> init_process_group();

/// The group init_process_group() made, or null before it was called.
std::shared_ptr<ProcessGroup> default_process_group();

}  // namespace ember::distributed
