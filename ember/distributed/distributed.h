// ember::distributed: data-parallel training over MPI. A separate library (ember::distributed,
// linked with MPI) so that the rest of ember needs no MPI: link it and include this header.
#pragma once

#include "ember/distributed/data_parallel_learner.h"
#include "ember/distributed/distributed_data_parallel.h"
#include "ember/distributed/process_group.h"
