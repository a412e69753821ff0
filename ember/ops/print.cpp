// operator<< for Tensor, in PyTorch's repr style (torch/_tensor_str.py): one number format for
// the whole tensor ("1.", "1.5000" or "1.5000e+09"), right-aligned columns, rows wrapped at 80
// characters, "..." past 1000 elements, and dtype / grad_fn / requires_grad suffixes.
// It lives in ops/ rather than tensor/ because it names the grad_fn node (autograd/).
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "ember/autograd/node.h"
#include "ember/tensor/tensor.h"

namespace ember {

namespace {

constexpr int64_t kLineWidth = 80, kEdgeItems = 3, kSummarizeAbove = 1000;

class Formatter {
 public:
  Formatter(const std::vector<double>& values, ScalarType dtype) : dtype_(dtype) {
    if (!is_floating_point(dtype)) {
      for (double v : values) width_ = std::max(width_, format(v).size());
      return;
    }
    double max_abs = 0, min_abs = INFINITY;
    for (double v : values) {
      if (!std::isfinite(v)) continue;
      if (v != std::floor(v)) int_mode_ = false;
      if (v != 0) {
        max_abs = std::max(max_abs, std::fabs(v));
        min_abs = std::min(min_abs, std::fabs(v));
      }
    }
    if (min_abs == INFINITY) min_abs = 0;
    // As torch/_tensor_str.py: scientific when the magnitudes span more than 1000x or get
    // very large (or, for non-integers, very small).
    sci_mode_ = max_abs > 0 && (max_abs / min_abs > 1000 || max_abs > 1e8 || (!int_mode_ && min_abs < 1e-4));
    for (double v : values) width_ = std::max(width_, format(v).size());
  }

  std::string format(double v) const {
    char buf[64];
    if (dtype_ == kBool) return v != 0 ? "True" : "False";
    if (!is_floating_point(dtype_)) {
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
    } else if (std::isnan(v)) {
      return "nan";
    } else if (std::isinf(v)) {
      return v > 0 ? "inf" : "-inf";
    } else if (sci_mode_) {
      std::snprintf(buf, sizeof buf, "%.4e", v);
    } else if (int_mode_) {
      std::snprintf(buf, sizeof buf, "%.0f.", v);
    } else {
      std::snprintf(buf, sizeof buf, "%.4f", v);
    }
    return buf;
  }
  std::string padded(double v) const {
    std::string s = format(v);
    return std::string(width_ > s.size() ? width_ - s.size() : 0, ' ') + s;
  }
  size_t width() const { return width_; }

 private:
  ScalarType dtype_;
  bool int_mode_ = true, sci_mode_ = false;
  size_t width_ = 0;
};

// The values that will be shown: all of them, or the edges of every dim when summarizing (the
// number format is chosen from these alone, as PyTorch does).
void collect_shown(const std::vector<double>& v, const Shape& sizes, size_t dim, int64_t pos,
                   bool summarize, std::vector<double>& shown) {
  const int64_t n = sizes[dim];
  int64_t step = 1;
  for (size_t d = dim + 1; d < sizes.size(); ++d) step *= sizes[d];
  for (int64_t i = 0; i < n; ++i) {
    if (summarize && n > 2 * kEdgeItems && i == kEdgeItems) i = n - kEdgeItems;
    if (dim + 1 == sizes.size()) shown.push_back(v[pos + i]);
    else collect_shown(v, sizes, dim + 1, pos + i * step, summarize, shown);
  }
}

// Values of a contiguous float64 copy; `pos` is the flat index of this sub-tensor's element 0.
std::string render(const std::vector<double>& v, const Shape& sizes, size_t dim, int64_t pos,
                   int64_t indent, bool summarize, const Formatter& f) {
  const int64_t n = sizes[dim];
  int64_t step = 1;
  for (size_t d = dim + 1; d < sizes.size(); ++d) step *= sizes[d];
  const bool elide = summarize && n > 2 * kEdgeItems;
  std::vector<std::string> items;
  for (int64_t i = 0; i < n; ++i) {
    if (elide && i == kEdgeItems) {
      items.push_back(dim + 1 == sizes.size() ? " ..." : "...");
      i = n - kEdgeItems - 1;
      continue;
    }
    items.push_back(dim + 1 == sizes.size() ? f.padded(v[pos + i])
                                             : render(v, sizes, dim + 1, pos + i * step, indent + 1, summarize, f));
  }
  std::string out = "[";
  if (dim + 1 == sizes.size()) {
    const int64_t per_line =
        std::max<int64_t>(1, (kLineWidth - indent) / static_cast<int64_t>(f.width() + 2));
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0 && i % per_line == 0) out.append(",\n").append(indent + 1, ' ');
      else if (i > 0) out.append(", ");
      out += items[i];
    }
  } else {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out.append(",").append(sizes.size() - dim - 1, '\n').append(indent + 1, ' ');
      out += items[i];
    }
  }
  return out + "]";
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const Tensor& t) {
  if (!t.defined()) return out << "tensor(undefined)";
  Tensor c = detail::alloc(t.sizes(), kFloat64);
  detail::copy_into(c, t);
  const double* p = c.data_ptr<double>();
  std::vector<double> values(p, p + c.numel()), shown;
  const bool summarize = t.numel() > kSummarizeAbove;
  if (t.dim() > 0 && t.numel() > 0) collect_shown(values, t.sizes(), 0, 0, summarize, shown);
  const Formatter f(t.dim() > 0 ? shown : values, t.dtype());

  std::string body;
  std::vector<std::string> suffixes;
  if (t.numel() == 0) {
    body = "[]";
    if (t.dim() != 1) suffixes.push_back("size=" + shape_str(t.sizes()));
  } else if (t.dim() == 0) {
    body = f.format(values[0]);
  } else {
    body = render(values, t.sizes(), 0, 0, 7, summarize, f);
  }
  if (t.dtype() != kFloat32 && t.dtype() != kInt64 && t.dtype() != kBool)
    suffixes.push_back(std::string("dtype=") + dtype_name(t.dtype()));
  if (t.grad_fn()) suffixes.push_back("grad_fn=<" + t.grad_fn()->name() + ">");
  else if (t.requires_grad()) suffixes.push_back("requires_grad=True");
  out << "tensor(" << body;
  for (const auto& s : suffixes) out << ", " << s;
  return out << ")";
}

}  // namespace ember
