#include "ember/serialize/module_io.h"

#include <sstream>

#include "ember/autograd/grad_mode.h"

namespace ember {

NamedTensors state_dict(const nn::Module& module) {
  NamedTensors out = module.named_parameters();
  for (auto& entry : module.named_buffers()) out.push_back(entry);
  return out;
}

void save(const nn::Module& module, const std::string& path, const Metadata& metadata) {
  save_safetensors(path, state_dict(module), metadata);
}

LoadResult load_state_dict(nn::Module& module, const NamedTensors& tensors, const std::string& source, bool strict) {
  NamedTensors own = state_dict(module);
  LoadResult result;
  std::ostringstream problems;
  for (const auto& [name, t] : own) {
    const Tensor* found = nullptr;
    for (const auto& [n, v] : tensors)
      if (n == name) found = &v;
    if (!found) {
      result.missing_keys.push_back(name);
      if (strict) problems << "\n  missing: " << name << " " << shape_str(t.sizes());
    } else if (found->sizes() != t.sizes()) {
      problems << "\n  shape mismatch: " << name << " is " << shape_str(found->sizes()) << " in the file but "
               << shape_str(t.sizes()) << " in the model";
    } else if (found->dtype() != t.dtype()) {
      problems << "\n  dtype mismatch: " << name << " is " << dtype_name(found->dtype()) << " in the file but "
               << dtype_name(t.dtype()) << " in the model";
    }
  }
  for (const auto& [name, t] : tensors) {
    bool known = false;
    for (const auto& [n, v] : own) known = known || n == name;
    if (known) continue;
    result.unexpected_keys.push_back(name);
    if (strict) problems << "\n  unexpected: " << name << " " << shape_str(t.sizes());
  }
  if (!problems.str().empty())
    throw IOError(source + ": does not match the model:" + problems.str() +
                  "\n---> HINT: was it saved from a model with the same layers and sizes?");
  NoGradGuard no_grad;
  for (auto& [name, t] : own)
    for (const auto& [n, v] : tensors)
      if (n == name) t.copy_(v);
  return result;
}

Metadata load(nn::Module& module, const std::string& path, bool strict) {
  SafetensorsFile file = load_safetensors(path);
  load_state_dict(module, file.tensors, path, strict);
  return file.metadata;
}

}  // namespace ember
