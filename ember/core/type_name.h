// A C++ type's readable name ("ember::Tensor", not "N5ember6TensorE"), for messages that say
// which type was expected and which was found.
#pragma once

#include <string>
#include <typeinfo>

namespace ember::detail {

std::string type_name(const std::type_info& type);

}  // namespace ember::detail
