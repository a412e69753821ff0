#include "ember/nn/modules/any.h"

namespace ember::nn {

const std::type_info& AnyModule::type_info() const {
  EMBER_CHECK(!is_empty(), ValueError, "[AnyModule] is empty");
  return *type_;
}

AnyModule AnyModule::clone() const {
  EMBER_CHECK(!is_empty(), ValueError, "[AnyModule] clone of an empty AnyModule");
  return clone_(*module_);
}

Tensor AnyModule::call_unary(const Tensor& input) {
  EMBER_CHECK(!is_empty(), ValueError, "[AnyModule] forward called on an empty AnyModule");
  return (*module_)(input);
}

AnyValue AnyModule::call_boxed(std::vector<AnyValue>& args) {
  EMBER_CHECK(!is_empty(), ValueError, "[AnyModule] forward called on an empty AnyModule");
  EMBER_CHECK(args.size() == arity_, ValueError, "[", module_->name(), "] forward takes ", arity_,
              arity_ == 1 ? " argument" : " arguments", " but was given ", args.size());
  if (unary_) {
    const Tensor* input = args[0].try_get<Tensor>();
    EMBER_CHECK(input != nullptr, TypeError, "[", module_->name(), "] forward argument 1 expects ember::Tensor; got ",
                ember::detail::type_name(args[0].type_info()));
    return AnyValue((*module_)(*input));
  }
  return forward_(args);
}

}  // namespace ember::nn
