// The subcommands of `ember`; each parses its own arguments and returns the exit status.
#pragma once

#include <string>
#include <vector>

namespace ember::cli {

int cmd_train(const std::vector<std::string>& args);
int cmd_lr_find(const std::vector<std::string>& args);
int cmd_eval(const std::vector<std::string>& args);
int cmd_predict(const std::vector<std::string>& args);
int cmd_show(const std::vector<std::string>& args);
int cmd_bench(const std::vector<std::string>& args);
int cmd_export(const std::vector<std::string>& args);

}  // namespace ember::cli
