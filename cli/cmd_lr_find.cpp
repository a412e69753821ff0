// ember lr-find: the LR finder (the course's 05b) on the data and model `ember train` would use:
// a sweep of the learning rate, a PNG and CSV of the loss against it, and a suggested rate.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "args.h"
#include "commands.h"
#include "plot.h"
#include "training_setup.h"

namespace ember::cli {

int cmd_lr_find(const std::vector<std::string>& argv) {
  Args args("lr-find", "Find a learning rate: train from the data and model options of 'ember train' with a rate\n"
                       "that grows exponentially from --min-lr to --max-lr, stop once the smoothed loss passes 4x its\n"
                       "minimum, and write the loss against the rate (PNG and CSV). Nothing is saved but those two\n"
                       "files; the suggested rate is the one at the loss's minimum divided by 10.");
  add_training_options(args);
  args.option("min-lr", "RATE", "1e-7", "first learning rate of the sweep")
      .option("max-lr", "RATE", "10", "last learning rate of the sweep")
      .option("iters", "N", "100", "batches in the sweep at most")
      .option("out", "FILE", "runs/lr_find.png", "the plot; its .csv (lr,loss) is written beside it");
  if (!args.parse(argv)) return 0;
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "' (see 'ember lr-find --help')");
  if (distributed::launched_by_mpi())
    throw UsageError("lr-find runs as one process: start it without mpirun (the rate it finds is for the global batch "
                     "size, which 'mpirun -np N ember train' keeps)");
  TrainingSetup s = make_training_setup(args);
  const train::LRFinderOptions options = train::LRFinderOptions()
                                             .min_lr(args.get_double("min-lr", 1e-12, 1e6))
                                             .max_lr(args.get_double("max-lr", 1e-12, 1e6))
                                             .max_iter(args.get_int("iters", 2, 1000000));
  if (options.max_lr_ <= options.min_lr_) throw UsageError("--max-lr must exceed --min-lr");

  namespace fs = std::filesystem;
  const fs::path out(args.get("out"));
  if (out.has_parent_path()) fs::create_directories(out.parent_path());
  const std::string csv_path = fs::path(out).replace_extension(".csv").string();
  std::cout << s.describe() << "\nsweeping lr from " << options.min_lr_ << " to " << options.max_lr_ << " over at most "
            << options.max_iter_ << " batches\n";

  const train::LRFinderResult found = train::lr_find(*s.learner, options);
  std::ostringstream csv;
  csv << "lr,loss\n" << std::setprecision(9);
  for (size_t i = 0; i < found.lrs.size(); ++i) csv << found.lrs[i] << "," << found.losses[i] << "\n";
  write_file_atomically(csv_path, csv.str());
  plot_lr_find(found.lrs, found.losses, found.suggested_lr, out.string());
  std::cout << "stopped after " << found.lrs.size() << " batches at lr " << found.lrs.back() << "\n"
            << "lowest smoothed loss " << *std::min_element(found.losses.begin(), found.losses.end()) << " at lr "
            << found.min_loss_lr << "\n"
            << "suggested lr " << found.suggested_lr << "\n"
            << "wrote " << out.string() << ", " << csv_path << "\n";
  return 0;
}

}  // namespace ember::cli
