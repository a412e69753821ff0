// The course's data block (08_data_block): the pieces that turn a folder tree into a labelled,
// split data set. Files listed by extension; a label from each file's folder (or any function);
// a split by folder name (train/, valid/) or at random, seeded; a vocabulary from label names to
// class indices, sorted, that travels with the model so predictions can be named.
//   auto files = data::get_files("data/imagenette", data::kImageExtensions);
//   auto [train, valid] = data::grandparent_splitter(files);
//   data::CategoryVocab vocab(data::labels_of(train, data::parent_label));
//   data::ImageFolder train_set(data::label_items(train, data::parent_label, vocab), vocab.names());
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace ember::data {

/// The extensions the image readers take (compared without regard to case).
inline const std::vector<std::string> kImageExtensions = {".png", ".jpg", ".jpeg"};

/// The files under `root` whose extension is one of `extensions` (all files if empty), sorted by
/// path; hidden files and folders (names starting with '.') are skipped. IOError when `root` is
/// not a readable folder.
std::vector<std::string> get_files(const std::string& root, const std::vector<std::string>& extensions,
                                   bool recurse = true);

/// The name of the folder that holds `path`: "train/dog/1.png" -> "dog".
std::string parent_label(const std::string& path);

/// The label of every file, by `labeller`.
std::vector<std::string> labels_of(const std::vector<std::string>& files,
                                   const std::function<std::string(const std::string&)>& labeller);

struct SplitFiles {
  std::vector<std::string> train, valid;
};
/// By the folder two levels up (the course's grandparent_splitter): ".../train/dog/1.png" goes to
/// train, ".../valid/dog/2.png" to valid; files under neither are left out.
SplitFiles grandparent_splitter(const std::vector<std::string>& files, const std::string& train_name = "train",
                                const std::string& valid_name = "valid");
/// round(valid_fraction * n) files, chosen with `seed`, to valid; the rest to train; each part
/// keeps the files' order.
SplitFiles random_splitter(const std::vector<std::string>& files, double valid_fraction, uint64_t seed);

/// Label names <-> class indices (the course's CategoryProcessor): the distinct names, sorted.
class CategoryVocab {
 public:
  CategoryVocab() = default;
  explicit CategoryVocab(const std::vector<std::string>& labels);
  int64_t size() const { return static_cast<int64_t>(names_.size()); }
  /// ValueError naming the label when it is not in the vocabulary.
  int64_t index(const std::string& name) const;
  const std::string& name(int64_t index) const;
  const std::vector<std::string>& names() const { return names_; }
  /// One name per line, for a model file's metadata; from_text reads it back.
  std::string to_text() const;
  static CategoryVocab from_text(const std::string& text);

 private:
  std::vector<std::string> names_;
};

struct ImageItem {
  std::string path;
  int64_t label = 0;
};
/// Each file with the class index of its label.
std::vector<ImageItem> label_items(const std::vector<std::string>& files,
                                   const std::function<std::string(const std::string&)>& labeller,
                                   const CategoryVocab& vocab);

}  // namespace ember::data
