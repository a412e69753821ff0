// save / load a Module's parameters and buffers by their dotted names (PyTorch's state_dict
// keys), in safetensors. Loading copies into the module's existing tensors, so optimisers that
// hold them see the loaded values; it checks names, shapes and dtypes and lists every
// difference before changing anything.
#pragma once

#include <string>

#include "ember/nn/module.h"
#include "ember/serialize/safetensors.h"

namespace ember {

void save(const nn::Module& module, const std::string& path, const Metadata& metadata = {});
/// Returns the file's metadata. Throws IOError listing missing, unexpected and mismatched entries.
Metadata load(nn::Module& module, const std::string& path);
/// The named state of a module: parameters then buffers.
NamedTensors state_dict(const nn::Module& module);
/// Copies `tensors` into the module's state; `source` names where they came from, for errors.
void load_state_dict(nn::Module& module, const NamedTensors& tensors, const std::string& source);

}  // namespace ember
