// ember: the command-line program. Argument dispatch and error reporting only; each subcommand
// lives in its own cmd_*.cpp. Bad input prints one line, "ember: error: ...", and exits 2 (usage)
// or 1 (anything else); nothing is left half-written.
#include <cstring>
#include <iostream>
#include <map>

#include "args.h"
#include "commands.h"
#include "ember/distributed/process_group.h"

namespace {

const char* kHelp =
    "usage: ember <command> [options]\n"
    "\n"
    "Deep learning from the foundations, in C++.\n"
    "\n"
    "commands:\n"
    "  train     train a classifier on MNIST-style IDX files or an image folder (default: the MNIST digits\n"
    "            in data/mnist)\n"
    "  lr-find   sweep the learning rate (the course's LR finder) and suggest one for train\n"
    "  eval      accuracy and confusion matrix of a trained model on the test split\n"
    "  predict   classify PNG or JPEG images (or dataset images with --data/--index)\n"
    "  show      draw a grid of dataset images with their labels (and predictions) to a PNG\n"
    "  bench     time the course's matmul ladder, from the triple loop to the threaded kernel\n"
    "  export    write IDX data (MNIST, Fashion-MNIST) as an image folder of PNG or JPEG files\n"
    "\n"
    "Run 'ember <command> --help' for the options of a command.\n";

// One line: multi-line messages (file errors carry a "---> HINT:" line) are joined.
std::string one_line(std::string msg) {
  for (size_t pos; (pos = msg.find("\n---> HINT: ")) != std::string::npos;) msg.replace(pos, 12, " (hint: ").append(")");
  for (char& c : msg)
    if (c == '\n') c = ' ';
  return msg;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ember::cli;
  const std::map<std::string, int (*)(const std::vector<std::string>&)> commands = {
      {"train", cmd_train}, {"lr-find", cmd_lr_find}, {"eval", cmd_eval}, {"predict", cmd_predict}, {"show", cmd_show}, {"bench", cmd_bench},
      {"export", cmd_export}};
  if (argc < 2) {
    std::cerr << kHelp;
    return 2;
  }
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kHelp;
    return 0;
  }
  const auto it = commands.find(command);
  if (it == commands.end()) {
    std::cerr << "ember: error: unknown command '" << command << "' (see 'ember --help')\n";
    return 2;
  }
  // Under mpirun the other ranks may be waiting for this one in a collective: an error ends the
  // whole job, naming the rank, instead of leaving them to hang.
  auto fail = [](const std::string& message, int status) {
    const auto group = ember::distributed::default_process_group();
    if (group && group->size() > 1) group->abort("ember: error: " + message, status);
    std::cerr << "ember: error: " << message << "\n";
    return status;
  };
  try {
    return it->second(std::vector<std::string>(argv + 2, argv + argc));
  } catch (const UsageError& e) {
    return fail(one_line(e.what()), 2);
  } catch (const std::exception& e) {
    return fail(one_line(e.what()), 1);
  }
}
