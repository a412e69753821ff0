// Image folders and the data block: listing, labels from folders, splits, the vocabulary, the
// dataset's examples and its errors; augmented batches reproducible on 1 and 2 threads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "support/temp_dir.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

namespace fs = std::filesystem;

// An h x w image of `c` channels, every byte `value`.
data::Image flat(int64_t h, int64_t w, int64_t c, uint8_t value) {
  data::Image img(h, w, c);
  std::fill(img.pixels.begin(), img.pixels.end(), value);
  return img;
}

void put(const testing::TempDir& dir, const std::string& rel, const data::Image& img) {
  fs::create_directories(fs::path(dir.file(rel)).parent_path());
  data::write_image(dir.file(rel), img);
}

// root/ant/{1.png, sub/2.png}, root/bee/{a.PNG, b.png}, and things ImageFolder must skip.
void make_tree(const testing::TempDir& dir) {
  put(dir, "ant/1.png", flat(4, 4, 1, 10));
  put(dir, "ant/sub/2.png", flat(4, 4, 1, 20));
  put(dir, "bee/a.PNG", flat(4, 4, 1, 30));
  put(dir, "bee/b.png", flat(4, 4, 1, 40));
  put(dir, ".hidden/x.png", flat(4, 4, 1, 50));
  std::ofstream(dir.file("bee/notes.txt")) << "not an image";
  std::ofstream(dir.file("loose.png")) << "files beside the class folders are ignored";
}

TEST(DataBlock, GetFilesFiltersByExtensionSortsAndSkipsHidden) {
  testing::TempDir dir;
  make_tree(dir);
  const auto files = data::get_files(dir.path().string(), data::kImageExtensions);
  std::vector<std::string> rel;
  for (const auto& f : files) rel.push_back(fs::relative(f, dir.path()).string());
  EXPECT_EQ(rel, (std::vector<std::string>{"ant/1.png", "ant/sub/2.png", "bee/a.PNG", "bee/b.png", "loose.png"}));
  EXPECT_EQ(data::get_files(dir.path().string(), {".png"}, /*recurse=*/false).size(), 1u);
  EXPECT_EQ(data::get_files(dir.path().string(), {}).size(), 6u);  // notes.txt too
  EXPECT_THROW_MSG(data::get_files(dir.file("nowhere"), {}), IOError, "nowhere: not a folder");
}

TEST(DataBlock, LabelsSplitsAndVocabulary) {
  const std::vector<std::string> files = {"d/train/cat/1.png", "d/train/dog/2.png", "d/valid/cat/3.png", "d/test/dog/4.png"};
  EXPECT_EQ(data::parent_label(files[1]), "dog");
  const auto split = data::grandparent_splitter(files);
  EXPECT_EQ(split.train, (std::vector<std::string>{files[0], files[1]}));
  EXPECT_EQ(split.valid, (std::vector<std::string>{files[2]}));  // test/ is in neither
  const data::CategoryVocab vocab(data::labels_of(files, data::parent_label));
  EXPECT_EQ(vocab.names(), (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(vocab.index("dog"), 1);
  EXPECT_THROW_MSG(vocab.index("cow"), ValueError, "unknown label 'cow'");
  EXPECT_EQ(data::CategoryVocab::from_text(vocab.to_text()).names(), vocab.names());
  const auto items = data::label_items(split.train, data::parent_label, vocab);
  EXPECT_EQ(items[1].label, 1);
}

TEST(DataBlock, RandomSplitterIsDisjointCompleteAndSeeded) {
  std::vector<std::string> files;
  for (int i = 0; i < 50; ++i) files.push_back(std::to_string(i) + ".png");
  const auto a = data::random_splitter(files, 0.2, 7), b = data::random_splitter(files, 0.2, 7),
             c = data::random_splitter(files, 0.2, 8);
  EXPECT_EQ(a.valid.size(), 10u);
  EXPECT_EQ(a.train.size(), 40u);
  std::set<std::string> all(a.train.begin(), a.train.end());
  all.insert(a.valid.begin(), a.valid.end());
  EXPECT_EQ(all.size(), 50u);
  EXPECT_EQ(a.valid, b.valid);
  EXPECT_NE(a.valid, c.valid);
}

TEST(ImageFolder, ClassesAreSortedFolderNamesAndExamplesAreFloatImages) {
  testing::TempDir dir;
  make_tree(dir);
  const data::ImageFolder folder(dir.path().string());
  EXPECT_EQ(folder.classes(), (std::vector<std::string>{"ant", "bee"}));
  ASSERT_EQ(folder.size(), 4);
  const data::Example e = folder.get(2);
  EXPECT_EQ(e.data.sizes(), (std::vector<int64_t>{1, 4, 4}));
  EXPECT_FLOAT_EQ(e.data[0][1][1].item<float>(), 30.0f / 255.0f);
  EXPECT_EQ(e.target.item<int64_t>(), 1);
  EXPECT_EQ(fs::path(folder.describe(1)).filename(), "2.png");
  const data::Example batch = folder.get_batch({3, 0});
  EXPECT_EQ(batch.data.sizes(), (std::vector<int64_t>{2, 1, 4, 4}));
  EXPECT_TENSOR_EQ(batch.target, tensor({int64_t{1}, int64_t{0}}));
  const data::ImageTensors all = folder.load_all();
  EXPECT_EQ(all.images.dtype(), kUInt8);
  EXPECT_EQ(all.images.sizes(), (std::vector<int64_t>{4, 1, 4, 4}));
  EXPECT_EQ(all.images[1][0][0][0].item<int64_t>(), 20);
}

TEST(ImageFolder, ConvertsChannelsAndResizesWhenAsked) {
  testing::TempDir dir;
  put(dir, "a/grey.png", flat(6, 6, 1, 100));
  put(dir, "b/colour.jpg", flat(8, 10, 3, 200));
  const data::ImageFolder mixed(dir.path().string());
  EXPECT_THROW_MSG(mixed.load_all(), ShapeError, "convert the channels");
  EXPECT_THROW_MSG(mixed.get_batch({0, 1}), ShapeError, "examples of one batch must have one shape");
  const data::ImageFolder rgb(dir.path().string(), data::ImageFolderOptions().channels(3));
  EXPECT_THROW_MSG(rgb.load_all(), ShapeError, "resize them to one size");
  const data::ImageFolder fixed(dir.path().string(), data::ImageFolderOptions().channels(3).size({5, 7}));
  const data::ImageTensors all = fixed.load_all();
  EXPECT_EQ(all.images.sizes(), (std::vector<int64_t>{2, 3, 5, 7}));
  EXPECT_EQ(all.images[0][2][4][6].item<int64_t>(), 100);  // a flat image stays flat when resized
  EXPECT_NEAR(all.images[1][0][2][3].item<int64_t>(), 200, 2);  // JPEG's rounding
}

TEST(ImageFolder, BadFoldersAndFilesAreClearErrors) {
  testing::TempDir dir;
  EXPECT_THROW_MSG(data::ImageFolder(dir.file("missing")), IOError, "missing: not a folder");
  EXPECT_THROW_MSG(data::ImageFolder(dir.path().string()), ValueError, "has no class folders");
  put(dir, "full/1.png", flat(3, 3, 1, 0));
  fs::create_directories(dir.file("empty"));
  EXPECT_THROW_MSG(data::ImageFolder(dir.path().string()), ValueError, "the class folder " + dir.file("empty") + " has no images");
  fs::remove(dir.file("empty"));
  std::ofstream(dir.file("full/2.png")) << "\x89PNG\r\n\x1a\n truncated";
  const data::ImageFolder folder(dir.path().string());
  EXPECT_THROW_MSG(folder.get(1), IOError, dir.file("full/2.png") + ": ");
  EXPECT_THROW_MSG(folder.get_batch({0, 1}), IOError, "2.png");
  EXPECT_THROW_MSG(folder.load_all(), IOError, "2.png");
  EXPECT_THROW_MSG(data::ImageFolder(dir.path().string(), data::ImageFolderOptions().channels(2)), ValueError,
                   "channels must be 0 (as the files), 1 or 3");
  EXPECT_THROW_MSG(data::ImageFolder({{"x.png", 3}}, {"a", "b"}), ValueError, "x.png has class 3 but there are 2 classes");
}

TEST(TransformDataset, AugmentedBatchesAreTheSameOnOneAndTwoThreadsAndChangeByEpoch) {
  auto images = std::make_shared<data::TensorDataset>(rand({64, 3, 12, 12}), arange(64, kInt64));
  const auto augment = std::make_shared<data::transforms::Compose>(std::vector<data::transforms::TransformPtr>{
      std::make_shared<data::transforms::RandomCrop>(12, 2), std::make_shared<data::transforms::RandomHorizontalFlip>(),
      std::make_shared<data::transforms::RandomDihedral>()});
  data::TransformDataset train(images, augment, /*seed=*/4);
  std::vector<int64_t> all(64);
  std::iota(all.begin(), all.end(), 0);
  const int threads = get_num_threads();
  set_num_threads(1);
  const Tensor one = train.get_batch(all).data;
  set_num_threads(2);
  const Tensor two = train.get_batch(all).data;
  set_num_threads(threads);
  EXPECT_TENSOR_EQ(one, two);
  EXPECT_TENSOR_EQ(train.get(5).data, one[5]);  // one item alone draws the same
  train.set_epoch(1);
  EXPECT_GT((train.get_batch(all).data - one).abs().sum().item<float>(), 0.0f);
  train.set_epoch(0);
  EXPECT_TENSOR_EQ(train.get_batch(all).data, one);
  // The DataLoader tells the dataset each epoch.
  auto shared = std::make_shared<data::TransformDataset>(images, augment, 4);
  data::DataLoader loader(shared, data::DataLoaderOptions(64));
  std::vector<Tensor> epochs;
  for (int e = 0; e < 2; ++e)
    for (const data::Example& batch : loader) epochs.push_back(batch.data);
  EXPECT_TENSOR_EQ(epochs[0], one);
  EXPECT_GT((epochs[1] - epochs[0]).abs().sum().item<float>(), 0.0f);
}

TEST(TransformDataset, AnErrorNamesTheImageFile) {
  testing::TempDir dir;
  put(dir, "a/small.png", flat(4, 4, 1, 0));
  auto folder = std::make_shared<data::ImageFolder>(dir.path().string());
  data::TransformDataset cropped(folder, std::make_shared<data::transforms::CenterCrop>(8));
  EXPECT_THROW_MSG(cropped.get(0), ValueError, dir.file("a/small.png") + ": [CenterCrop] the image is 4 x 4, smaller than");
}

TEST(Subset, MapsIndicesAndForwardsEpochs) {
  auto base = std::make_shared<data::TensorDataset>(arange(10, kFloat32).reshape({10, 1}), arange(10, kInt64));
  const data::Subset part(base, {7, 2, 5});
  EXPECT_EQ(part.size(), 3);
  EXPECT_EQ(part.get(1).target.item<int64_t>(), 2);
  EXPECT_TENSOR_EQ(part.get_batch({2, 0}).target, tensor({int64_t{5}, int64_t{7}}));
  EXPECT_THROW_MSG(part.get(3), IndexError, "index 3 is out of range for 3 examples");
  EXPECT_THROW_MSG(data::Subset(base, {10}), IndexError, "index 10 is out of range for 10 examples");
}

}  // namespace
}  // namespace ember
