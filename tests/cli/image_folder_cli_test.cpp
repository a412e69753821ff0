// `ember` on a folder of the user's own images: train with resizing and augmentation, eval,
// predict on new files of any size and colour, show augmented samples; and the folder mistakes a
// user makes, each a one-line error with a hint.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "support/cli_runner.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

namespace fs = std::filesystem;
using testing::Cli;
using testing::ember_cli;
using testing::CliResult;

const char* const kColours[] = {"blue", "green", "red"};

// A noisy image of one colour (blue, green or red dominant), h x w.
data::Image colour_image(int colour, int64_t h, int64_t w, std::mt19937& rng) {
  data::Image img(h, w, 3);
  std::uniform_int_distribution<int> noise(0, 60);
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      for (int k = 0; k < 3; ++k) {
        const bool main = (colour == 0 && k == 2) || (colour == 1 && k == 1) || (colour == 2 && k == 0);
        img.at(y, x, k) = static_cast<uint8_t>((main ? 180 : 30) + noise(rng));
      }
  return img;
}

// root/{train,test}/{blue,green,red}/NNN.{png,jpg}: images of sizes 14..22 a side, half PNG, half JPEG.
void write_colour_folder(const std::string& root, int per_class_train, int per_class_test,
                         const std::vector<std::string>& test_classes = {"blue", "green", "red"}) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int64_t> side(14, 22);
  for (const auto& [split, count] : {std::pair<std::string, int>{"train", per_class_train}, {"test", per_class_test}})
    for (int c = 0; c < 3; ++c) {
      const std::string name = split == "test" ? test_classes[static_cast<size_t>(c)] : kColours[c];
      fs::create_directories(fs::path(root) / split / name);
      for (int i = 0; i < count; ++i) {
        const std::string file = (fs::path(root) / split / name / (std::to_string(i) + (i % 2 ? ".jpg" : ".png"))).string();
        data::write_image(file, colour_image(c, side(rng), side(rng), rng));
      }
    }
}

double number_after(const std::string& text, const std::string& key) {
  const size_t at = text.find(key);
  return at == std::string::npos ? -1.0 : std::stod(text.substr(at + key.size()));
}

TEST_F(Cli, TrainsOnAnImageFolderAndPredictsNewFiles) {
  write_colour_folder(path("colours"), 30, 10);
  const std::string model = path("m.safetensors");
  CliResult train = ember_cli("train --data " + path("colours") + " --image-size 16 --augment --epochs 6 --batch-size 16 "
                              "--lr 0.05 --threads 2 --out " + model);
  ASSERT_EQ(train.status, 0) << train.output;
  EXPECT_NE(train.output.find("(81 train, 9 valid, 30 test; 3x16x16 images, 3 classes;"), std::string::npos) << train.output;
  EXPECT_NE(train.output.find("augmented: crop + flip"), std::string::npos) << train.output;
  const double test_accuracy = number_after(train.output, "test accuracy ");
  EXPECT_GT(test_accuracy, 0.9) << train.output;

  CliResult eval = ember_cli("eval --model " + model + " --data " + path("colours"));
  ASSERT_EQ(eval.status, 0) << eval.output;
  EXPECT_NE(eval.output.find("classes: 0 blue, 1 green, 2 red"), std::string::npos) << eval.output;
  EXPECT_NEAR(number_after(eval.output, "accuracy: "), test_accuracy, 1e-4) << "eval reads the test split as train did";

  // New files: a large red JPEG and a small grey PNG, resized and converted as training read.
  std::mt19937 rng(9);
  data::write_image(path("new_red.jpg"), colour_image(2, 48, 64, rng));
  data::write_image(path("grey.png"), data::convert_channels(colour_image(0, 10, 12, rng), 1));
  CliResult predict = ember_cli("predict --model " + model + " " + path("new_red.jpg") + " " + path("grey.png"));
  ASSERT_EQ(predict.status, 0) << predict.output;
  EXPECT_NE(predict.output.find("new_red.jpg: 2 red (p="), std::string::npos) << predict.output;
  EXPECT_NE(predict.output.find("grey.png: "), std::string::npos) << predict.output;
  CliResult indexed = ember_cli("predict --model " + model + " --data " + path("colours") + " --index 25");
  ASSERT_EQ(indexed.status, 0) << indexed.output;
  EXPECT_NE(indexed.output.find("(label red): 2 red"), std::string::npos) << indexed.output;

  CliResult show = ember_cli("show --data " + path("colours") + " --image-size 16 --augment --count 2 --out " + path("aug.png"));
  ASSERT_EQ(show.status, 0) << show.output;
  const data::Image grid = data::read_image(path("aug.png"));
  EXPECT_EQ(grid.width, 8 * (5 * 16 + 6) + 6);  // 8 cells of 16 pixels drawn 5x, with gaps
  EXPECT_EQ(grid.channels, 3);
  CliResult predictions = ember_cli("show --data " + path("colours") + " --model " + model + " --out " + path("p.png"));
  ASSERT_EQ(predictions.status, 0) << predictions.output;
}

TEST_F(Cli, ImageFolderMistakesAreOneLineErrorsWithAHint) {
  write_colour_folder(path("sizes"), 2, 1);
  CliResult sizes = ember_cli("train --epochs 1 --data " + path("sizes"));
  EXPECT_EQ(sizes.status, 2) << sizes.output;
  EXPECT_NE(sizes.output.find("resize them to one size"), std::string::npos) << sizes.output;
  EXPECT_NE(sizes.output.find("--image-size HxW resizes them"), std::string::npos) << sizes.output;
  EXPECT_EQ(std::count(sizes.output.begin(), sizes.output.end(), '\n'), 1) << sizes.output;

  data::write_image(path("sizes/train/red/grey.png"), data::Image(18, 18, 1));
  CliResult mixed = ember_cli("train --epochs 1 --image-size 16 --data " + path("sizes"));
  EXPECT_EQ(mixed.status, 2) << mixed.output;
  EXPECT_NE(mixed.output.find("convert the channels"), std::string::npos) << mixed.output;
  EXPECT_EQ(ember_cli("train --epochs 1 --image-size 16 --channels 3 --data " + path("sizes") + " --out " + path("a.safetensors")).status, 0);

  write_colour_folder(path("unknown"), 2, 1, {"blue", "green", "purple"});
  CliResult unknown = ember_cli("train --epochs 1 --image-size 16 --data " + path("unknown") + " --out " + path("b.safetensors"));
  EXPECT_EQ(unknown.status, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("has a class folder 'purple' that the training split (and the model) does not know"),
            std::string::npos)
      << unknown.output;

  fs::create_directories(path("empty/cats"));
  fs::create_directories(path("empty/dogs"));
  data::write_image(path("empty/dogs/1.png"), data::Image(8, 8, 1));
  CliResult empty = ember_cli("train --epochs 1 --data " + path("empty"));
  EXPECT_EQ(empty.status, 1) << empty.output;
  EXPECT_NE(empty.output.find("the class folder " + path("empty/cats") + " has no images"), std::string::npos) << empty.output;

  std::ofstream(path("empty/dogs/2.png")) << "not really a png";
  fs::remove(path("empty/cats"));
  CliResult corrupt = ember_cli("train --epochs 1 --data " + path("empty"));
  EXPECT_EQ(corrupt.status, 1) << corrupt.output;
  EXPECT_NE(corrupt.output.find(path("empty/dogs/2.png") + ": not a PNG or JPEG image"), std::string::npos) << corrupt.output;
}

TEST_F(Cli, AFolderOfClassFoldersIsATrainingSplitWithoutATestSplit) {
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 6; ++i) {
      std::mt19937 rng(static_cast<unsigned>(c * 10 + i));
      fs::create_directories(path(std::string("flat/") + kColours[c]));
      data::write_image(path(std::string("flat/") + kColours[c] + "/" + std::to_string(i) + ".png"), colour_image(c, 12, 12, rng));
    }
  CliResult r = ember_cli("train --epochs 1 --data " + path("flat") + " --out " + path("f.safetensors"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("(11 train, 1 valid, no test; 3x12x12 images, 2 classes;"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("no test split in " + path("flat")), std::string::npos) << r.output;
}

TEST_F(Cli, ExportWritesIdxDataAsAnImageFolderThatTrainReads) {
  const std::string digits = std::string(EMBER_SOURCE_DIR) + "/data/mnist";
  CliResult r = ember_cli("export --data " + digits + " --out " + path("png") + " --class-names a,b,c,d,e,f,g,h,i,j");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("wrote 10000 png images to " + path("png")), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(path(".png.partial")));
  // Image 7 in its label's folder (numbered, then named), its pixels the IDX file's.
  const data::MNIST train(digits, data::MNIST::Split::Train);
  const int64_t label = train.targets()[7].item<int64_t>();
  const std::string seventh = path("png/train/" + std::to_string(label) + "_" + std::string(1, static_cast<char>('a' + label)) + "/0007.png");
  ASSERT_TRUE(fs::is_regular_file(seventh)) << seventh;
  EXPECT_TRUE(equal(data::read_image_bytes(seventh, 0, {})[0], train.raw_images()[7]));
  CliResult again = ember_cli("export --data " + digits + " --out " + path("png"));
  EXPECT_EQ(again.status, 2);
  EXPECT_NE(again.output.find("already exists"), std::string::npos) << again.output;
  CliResult names = ember_cli("export --data " + digits + " --out " + path("x") + " --class-names a,b");
  EXPECT_EQ(names.status, 2);
  EXPECT_NE(names.output.find("--class-names gives 2 names for 10 classes"), std::string::npos) << names.output;
  EXPECT_FALSE(fs::exists(path("x")));
  EXPECT_FALSE(fs::exists(path(".x.partial")));

  CliResult jpg = ember_cli("export --data " + digits + " --out " + path("jpg") + " --format jpg --quality 0");
  EXPECT_EQ(jpg.status, 2);
  EXPECT_NE(jpg.output.find("--quality must be between 1 and 100"), std::string::npos) << jpg.output;
  CliResult trained = ember_cli("train --data " + path("png") + " --epochs 1 --limit 2000 --out " + path("j.safetensors"));
  ASSERT_EQ(trained.status, 0) << trained.output;
  EXPECT_NE(trained.output.find("(1800 train, 200 valid, 2000 test; 28x28 images, 10 classes;"), std::string::npos)
      << trained.output;
  EXPECT_GT(number_after(trained.output, "test accuracy "), 0.8) << trained.output;
}

}  // namespace
}  // namespace ember
