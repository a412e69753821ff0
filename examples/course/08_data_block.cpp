// Notebook 08 (data block): from a folder of image files to batches a model trains on. The shipped
// digits are written as PNG files in one folder per label, train/ and valid/ side by side, as a
// user's own images would be; then the data block takes over: list the image files, split them by
// their grandparent folder, label them by their parent folder, map labels to classes with a
// vocabulary, read them (on every thread), standardise each channel with the training split's
// statistics, and train the notebook's BatchNorm CNN on them.
//   08_data_block DATA_DIR [OUT_DIR]  (OUT_DIR gets the image folder, 08_digits/)
#include <filesystem>
#include <fstream>

#include "course.h"

using namespace ember;
namespace fs = std::filesystem;

namespace {

// Each image of `mnist` as root/<split>/<label>/<index>.png.
void write_folder(const data::MNIST& mnist, const fs::path& root, const std::string& split) {
  const Tensor raw = mnist.raw_images();
  for (int64_t i = 0; i < mnist.size(); ++i) {
    const fs::path folder = root / split / std::to_string(mnist.targets()[i].item<int64_t>());
    fs::create_directories(folder);
    std::ofstream(folder / (std::to_string(i) + ".png"), std::ios::binary) << data::encode_png(data::tensor_to_image(raw[i]));
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string data_dir = argc > 1 ? argv[1] : "data/mnist";
  const fs::path root = fs::path(argc > 2 ? argv[2] : ".") / "08_digits";
  const data::MNIST idx_train(data_dir, data::MNIST::Split::Train), idx_test(data_dir, data::MNIST::Split::Test);
  fs::remove_all(root);
  write_folder(idx_train, root, "train");
  write_folder(idx_test, root, "valid");

  // The data block, step by step.
  const std::vector<std::string> files = data::get_files(root.string(), data::kImageExtensions);
  const data::SplitFiles split = data::grandparent_splitter(files, "train", "valid");
  const data::CategoryVocab vocab(data::labels_of(split.train, data::parent_label));
  const data::ImageFolder train_images(data::label_items(split.train, data::parent_label, vocab), vocab.names());
  const data::ImageFolder valid_images(data::label_items(split.valid, data::parent_label, vocab), vocab.names());
  std::printf("%zu image files under %s: %zu train, %zu valid\n", files.size(), root.c_str(), split.train.size(),
              split.valid.size());
  std::printf("vocabulary (%lld classes):", static_cast<long long>(vocab.size()));
  for (const std::string& name : vocab.names()) std::printf(" %s", name.c_str());
  std::printf("\nfirst item: %s -> class %lld\n", train_images.items()[0].path.c_str(),
              static_cast<long long>(train_images.items()[0].label));

  const data::ImageTensors train = train_images.load_all(), valid = valid_images.load_all();
  // PNG is lossless: every image read back is the IDX file's, byte for byte.
  bool identical = true;
  for (int64_t i = 0; i < train_images.size(); ++i) {
    const int64_t index = std::stoll(fs::path(train_images.items()[static_cast<size_t>(i)].path).stem().string());
    identical &= equal(train.images[i][0], idx_train.raw_images()[index]) &&
                 train.targets[i].item<int64_t>() == idx_train.targets()[index].item<int64_t>();
  }
  const auto stats = data::channel_stats(train.images);
  std::printf("images %s, channel mean %.4f, std %.4f (the training split's)\n", shape_str(train.images.sizes()).c_str(),
              stats[0].first, stats[0].second);

  // Standardised once, in memory; data::TransformDataset with a Normalize does the same per item.
  auto standardised = [&](const data::ImageTensors& t) {
    Tensor x = t.images.to(kFloat32) / 255.0;
    data::transforms::normalize_(x, {stats[0].first}, {stats[0].second});
    return std::make_shared<data::TensorDataset>(x, t.targets);
  };
  const auto train_set = standardised(train), valid_set = standardised(valid);
  data::TransformDataset lazy(std::make_shared<data::ImageFolder>(train_images),
                              std::make_shared<data::transforms::Normalize>(std::vector<double>{stats[0].first},
                                                                            std::vector<double>{stats[0].second}));
  const bool lazy_same = allclose(lazy.get_batch({0, 17, 4000}).data, train_set->get_batch({0, 17, 4000}).data, 1e-6, 1e-6);

  manual_seed(2);
  nn::Sequential net = models::bn_cnn(1, vocab.size());
  const double accuracy = course::fit(net.ptr(), train_set, valid_set, 2, 1.0);
  std::printf("\naccuracy after 2 epochs from the image folder: %.4f\n", accuracy);
  return course::check(split.train.size() == 8000 && split.valid.size() == 2000, "the split follows the folders") |
         course::check(vocab.names() == std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
                       "the vocabulary is the sorted folder names") |
         course::check(identical, "every image and label read from the folder is the IDX file's") |
         course::check(lazy_same, "reading per batch gives the same tensors as reading all at once") |
         course::check(accuracy > 0.95, "the BatchNorm CNN trained from the folder passes 95% in two epochs");
}
