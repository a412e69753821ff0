#include "ember/data/data_block.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "ember/core/error.h"
#include "ember/data/split.h"

namespace ember::data {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool wanted(const fs::path& p, const std::vector<std::string>& extensions) {
  if (extensions.empty()) return true;
  const std::string ext = lower(p.extension().string());
  return std::any_of(extensions.begin(), extensions.end(), [&](const std::string& e) { return lower(e) == ext; });
}

}  // namespace

std::vector<std::string> get_files(const std::string& root, const std::vector<std::string>& extensions, bool recurse) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw IOError(root + ": not a folder (or it cannot be read)");
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    const bool folder = it->is_directory(ec);
    if (folder && (!recurse || p.filename().string().rfind('.', 0) == 0)) it.disable_recursion_pending();
    if (!folder && p.filename().string().rfind('.', 0) != 0 && it->is_regular_file(ec) && wanted(p, extensions))
      files.push_back(p.string());
  }
  if (ec) throw IOError(root + ": cannot list the folder (" + ec.message() + ")");
  std::sort(files.begin(), files.end());
  return files;
}

std::string parent_label(const std::string& path) { return fs::path(path).parent_path().filename().string(); }

std::vector<std::string> labels_of(const std::vector<std::string>& files,
                                   const std::function<std::string(const std::string&)>& labeller) {
  std::vector<std::string> labels;
  labels.reserve(files.size());
  for (const std::string& f : files) labels.push_back(labeller(f));
  return labels;
}

SplitFiles grandparent_splitter(const std::vector<std::string>& files, const std::string& train_name,
                                const std::string& valid_name) {
  SplitFiles split;
  for (const std::string& f : files) {
    const std::string grandparent = fs::path(f).parent_path().parent_path().filename().string();
    if (grandparent == train_name) split.train.push_back(f);
    else if (grandparent == valid_name) split.valid.push_back(f);
  }
  return split;
}

SplitFiles random_splitter(const std::vector<std::string>& files, double valid_fraction, uint64_t seed) {
  EMBER_CHECK(valid_fraction >= 0 && valid_fraction <= 1, ValueError, "[random_splitter] valid_fraction must be in [0, 1]; got ",
              valid_fraction);
  const auto n = static_cast<int64_t>(files.size());
  const auto n_valid = static_cast<int64_t>(std::llround(valid_fraction * static_cast<double>(n)));
  const std::vector<Tensor> parts = random_split_indices(n, {n - n_valid, n_valid}, seed);
  SplitFiles split;
  for (int k = 0; k < 2; ++k) {
    const int64_t* idx = parts[static_cast<size_t>(k)].data_ptr<int64_t>();
    auto& out = k == 0 ? split.train : split.valid;
    for (int64_t i = 0; i < parts[static_cast<size_t>(k)].numel(); ++i) out.push_back(files[static_cast<size_t>(idx[i])]);
  }
  return split;
}

CategoryVocab::CategoryVocab(const std::vector<std::string>& labels) : names_(labels) {
  std::sort(names_.begin(), names_.end());
  names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
  for (const std::string& n : names_)
    EMBER_CHECK(n.find('\n') == std::string::npos, ValueError, "[CategoryVocab] a label holds a line break: '", n, "'");
}

int64_t CategoryVocab::index(const std::string& name) const {
  const auto it = std::lower_bound(names_.begin(), names_.end(), name);
  EMBER_CHECK(it != names_.end() && *it == name, ValueError, "[CategoryVocab] unknown label '", name, "' (the vocabulary has ",
              names_.size(), " labels)");
  return it - names_.begin();
}

const std::string& CategoryVocab::name(int64_t index) const {
  EMBER_CHECK(index >= 0 && index < size(), IndexError, "[CategoryVocab] class ", index, " is out of range for ", size(),
              " labels");
  return names_[static_cast<size_t>(index)];
}

std::string CategoryVocab::to_text() const {
  std::string text;
  for (size_t i = 0; i < names_.size(); ++i) text += (i ? "\n" : "") + names_[i];
  return text;
}

CategoryVocab CategoryVocab::from_text(const std::string& text) {
  std::vector<std::string> names;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) names.push_back(line);
  return CategoryVocab(names);
}

std::vector<ImageItem> label_items(const std::vector<std::string>& files,
                                   const std::function<std::string(const std::string&)>& labeller,
                                   const CategoryVocab& vocab) {
  std::vector<ImageItem> items;
  items.reserve(files.size());
  for (const std::string& f : files) items.push_back({f, vocab.index(labeller(f))});
  return items;
}

}  // namespace ember::data
