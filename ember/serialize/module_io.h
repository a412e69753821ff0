// save / load a Module's parameters and buffers by their dotted names (PyTorch's state_dict
// keys), in safetensors. Loading copies into the module's existing tensors, so optimisers that
// hold them see the loaded values; it checks names, shapes and dtypes and lists every
// difference before changing anything.
#pragma once

#include <string>
#include <vector>

#include "ember/nn/module.h"
#include "ember/serialize/safetensors.h"

namespace ember {

void save(const nn::Module& module, const std::string& path, const Metadata& metadata = {});
/// Returns the file's metadata. Throws IOError listing missing, unexpected and mismatched entries
/// (with strict = false, only mismatched ones; missing and unexpected names are skipped).
Metadata load(nn::Module& module, const std::string& path, bool strict = true);
/// The named state of a module: parameters then buffers.
NamedTensors state_dict(const nn::Module& module);
/// What a non-strict load left out: the module's entries the tensors did not have, and the
/// tensors' entries the module does not have (PyTorch's missing_keys / unexpected_keys).
struct LoadResult {
  std::vector<std::string> missing_keys, unexpected_keys;
};
/// Copies `tensors` into the module's state; `source` names where they came from, for errors.
/// strict (the default): every name must match, else IOError listing each difference. Not
/// strict: the names both have are loaded and the others returned (fine-tuning a pretrained
/// body under a new head); a shape or dtype mismatch is an error either way.
LoadResult load_state_dict(nn::Module& module, const NamedTensors& tensors, const std::string& source, bool strict = true);

}  // namespace ember
