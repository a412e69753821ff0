// einsum, lowered onto differentiable views and bmm:
//   1. parse the equation into integer labels ('A'-'Z' -> 0-25, 'a'-'z' -> 26-51, so sorting by
//      label is ASCII order; the dims under "..." get labels 52 and up, right-aligned);
//   2. per operand, take the diagonal of repeated labels ("ii->i") and sum away labels that
//      appear nowhere else;
//   3. contract the operands left to right: labels in both that are still needed are batch
//      dims, labels in both that are not are summed by the matrix product;
//   4. permute the result into the output's order.
// Only permutes, reshapes and bmm touch the data, so no broadcast product is ever materialised.
#include <algorithm>
#include <map>

#include "ember/ops/linalg.h"
#include "ember/ops/reduction.h"

namespace ember {

namespace {

constexpr int kEllipsisBase = 52;

struct Term {
  Tensor t;
  std::vector<int> labels;  // one per dim of t
};

std::string label_name(int label) {
  if (label >= kEllipsisBase) return "...";
  return std::string(1, static_cast<char>(label < 26 ? 'A' + label : 'a' + label - 26));
}

// Parses one subscript ("bij", "...ij") into labels, given how many dims "..." stands for.
std::vector<int> parse_subscript(const std::string& s, int64_t ellipsis_dims, int64_t max_ellipsis) {
  std::vector<int> labels;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      EMBER_CHECK(s.compare(i, 3, "...") == 0, ValueError, "[einsum] '.' must be part of '...' in '", s, "'");
      for (int64_t k = 0; k < ellipsis_dims; ++k)
        labels.push_back(kEllipsisBase + static_cast<int>(max_ellipsis - ellipsis_dims + k));
      i += 2;
    } else if (c >= 'A' && c <= 'Z') {
      labels.push_back(c - 'A');
    } else if (c >= 'a' && c <= 'z') {
      labels.push_back(c - 'a' + 26);
    } else {
      EMBER_CHECK(false, ValueError, "[einsum] invalid subscript character '", c, "' in '", s, "'");
    }
  }
  return labels;
}

int64_t explicit_labels(const std::string& s) {
  return static_cast<int64_t>(std::count_if(s.begin(), s.end(), [](char c) { return c != '.'; }));
}

// Sums away (in place) every dim of `term` whose label satisfies drop(label).
template <class Pred>
void sum_labels(Term& term, Pred drop) {
  std::vector<int64_t> dims;
  std::vector<int> kept;
  for (size_t d = 0; d < term.labels.size(); ++d) {
    if (drop(term.labels[d])) dims.push_back(static_cast<int64_t>(d));
    else kept.push_back(term.labels[d]);
  }
  if (dims.empty()) return;
  term.t = sum(term.t, dims, false);
  term.labels = kept;
}

// Takes diagonals until every label of the term is distinct.
void take_diagonals(Term& term) {
  for (bool again = true; again;) {
    again = false;
    for (size_t i = 0; i < term.labels.size() && !again; ++i)
      for (size_t j = i + 1; j < term.labels.size() && !again; ++j) {
        if (term.labels[i] != term.labels[j]) continue;
        EMBER_CHECK(term.t.size(i) == term.t.size(j), ShapeError, "[einsum] label '", label_name(term.labels[i]),
                    "' repeats with sizes ", term.t.size(i), " and ", term.t.size(j));
        term.t = term.t.diagonal(0, static_cast<int64_t>(i), static_cast<int64_t>(j));
        const int label = term.labels[i];
        term.labels.erase(term.labels.begin() + j);
        term.labels.erase(term.labels.begin() + i);
        term.labels.push_back(label);
        again = true;
      }
  }
}

int64_t find(const std::vector<int>& labels, int label) {
  return std::find(labels.begin(), labels.end(), label) - labels.begin();
}
bool contains(const std::vector<int>& labels, int label) { return find(labels, label) < static_cast<int64_t>(labels.size()); }

// Contracts a with b; `needed` holds the labels that must survive (output and later operands).
Term contract(Term a, Term b, const std::vector<int>& needed) {
  std::vector<int> batch, summed, a_only, b_only;
  for (int l : a.labels) {
    if (!contains(b.labels, l)) a_only.push_back(l);
    else if (contains(needed, l)) batch.push_back(l);
    else summed.push_back(l);
  }
  for (int l : b.labels)
    if (!contains(a.labels, l)) b_only.push_back(l);
  // Shared labels must agree in size, or be 1 on one side (broadcast by expanding it).
  Shape a_target = a.t.sizes(), b_target = b.t.sizes();
  for (int l : a.labels) {
    if (!contains(b.labels, l)) continue;
    int64_t& sa = a_target[find(a.labels, l)];
    int64_t& sb = b_target[find(b.labels, l)];
    EMBER_CHECK(sa == sb || sa == 1 || sb == 1, ShapeError, "[einsum] label '", label_name(l),
                "' has size ", sa, " in one operand and ", sb, " in another");
    sa = sb = std::max(sa, sb);
  }
  const Tensor x = a.t.expand(a_target), y = b.t.expand(b_target);
  auto order = [](const Term& t, std::initializer_list<const std::vector<int>*> groups) {
    Shape perm;
    for (const auto* g : groups)
      for (int l : *g) perm.push_back(find(t.labels, l));
    return perm;
  };
  auto size_of = [](const Tensor& t, const Term& term, const std::vector<int>& group) {
    int64_t n = 1;
    for (int l : group) n *= t.size(find(term.labels, l));
    return n;
  };
  const int64_t B = size_of(x, a, batch), M = size_of(x, a, a_only), K = size_of(x, a, summed), N = size_of(y, b, b_only);
  const Tensor lhs = x.permute(order(a, {&batch, &a_only, &summed})).reshape({B, M, K});
  const Tensor rhs = y.permute(order(b, {&batch, &summed, &b_only})).reshape({B, K, N});
  Shape out_shape;
  Term out;
  for (const auto* g : {&batch, &a_only})
    for (int l : *g) {
      out_shape.push_back(x.size(find(a.labels, l)));
      out.labels.push_back(l);
    }
  for (int l : b_only) {
    out_shape.push_back(y.size(find(b.labels, l)));
    out.labels.push_back(l);
  }
  out.t = bmm(lhs, rhs).reshape(out_shape);
  return out;
}

}  // namespace

Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands) {
  std::string eq;
  for (char c : equation)
    if (c != ' ') eq += c;
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> subs;
  for (size_t start = 0;;) {
    const size_t comma = lhs.find(',', start);
    subs.push_back(lhs.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  EMBER_CHECK(subs.size() == operands.size(), ValueError, "[einsum] the equation '", equation, "' has ",
              subs.size(), " operand(s) but ", operands.size(), " tensor(s) were given");

  // How many dims each "..." covers; all are right-aligned against the longest.
  std::vector<int64_t> ellipsis_dims(subs.size(), 0);
  int64_t max_ellipsis = 0;
  for (size_t i = 0; i < subs.size(); ++i) {
    const bool has = subs[i].find("...") != std::string::npos;
    const int64_t letters = explicit_labels(subs[i]);
    EMBER_CHECK(has ? operands[i].dim() >= letters : operands[i].dim() == letters, ShapeError,
                "[einsum] operand ", i, " has shape ", shape_str(operands[i].sizes()), " (", operands[i].dim(),
                " dims) but its subscript '", subs[i], "' names ", letters);
    ellipsis_dims[i] = has ? operands[i].dim() - letters : 0;
    max_ellipsis = std::max(max_ellipsis, ellipsis_dims[i]);
  }
  std::vector<Term> terms;
  std::map<int, int> uses;  // label -> occurrences in the input subscripts
  for (size_t i = 0; i < subs.size(); ++i) {
    Term term{operands[i], parse_subscript(subs[i], ellipsis_dims[i], max_ellipsis)};
    for (int l : term.labels) ++uses[l];
    take_diagonals(term);
    terms.push_back(std::move(term));
  }

  std::vector<int> output;
  if (arrow != std::string::npos) {
    output = parse_subscript(eq.substr(arrow + 2), max_ellipsis, max_ellipsis);
    for (size_t i = 0; i < output.size(); ++i) {
      EMBER_CHECK(uses.count(output[i]), ValueError, "[einsum] output label '", label_name(output[i]),
                  "' does not appear in any operand");
      EMBER_CHECK(find(output, output[i]) == static_cast<int64_t>(i), ValueError, "[einsum] output label '",
                  label_name(output[i]), "' appears more than once");
    }
  } else {  // implicit output: "..." dims, then labels used once, in ASCII order
    for (const auto& [label, count] : uses)
      if (label >= kEllipsisBase || count == 1) output.push_back(label);
    std::stable_partition(output.begin(), output.end(), [](int l) { return l >= kEllipsisBase; });
  }

  // Labels needed after operand k: the output's and those of operands after k.
  auto needed_after = [&](size_t k) {
    std::vector<int> needed = output;
    for (size_t j = k + 1; j < terms.size(); ++j) needed.insert(needed.end(), terms[j].labels.begin(), terms[j].labels.end());
    return needed;
  };
  Term result = terms[0];
  for (size_t k = 1; k <= terms.size(); ++k) {
    // Labels still needed once operand k has been folded in: the output's and later operands'.
    const std::vector<int> needed = needed_after(k);
    // Sum labels that neither the next operand nor anything later uses.
    const std::vector<int> next_labels = k < terms.size() ? terms[k].labels : std::vector<int>{};
    sum_labels(result, [&](int l) { return !contains(needed, l) && !contains(next_labels, l); });
    if (k == terms.size()) break;
    Term next = terms[k];
    sum_labels(next, [&](int l) { return !contains(needed, l) && !contains(result.labels, l); });
    // Shared labels not needed later become the contraction dim: never a broadcast product.
    result = contract(result, next, needed);
  }
  Shape perm;
  for (int l : output) perm.push_back(find(result.labels, l));
  return result.t.permute(perm);
}

}  // namespace ember
