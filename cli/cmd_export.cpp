// ember export: an IDX data set (MNIST, Fashion-MNIST) written as an image folder, one PNG or
// JPEG per image in OUT/train/<class>/ and OUT/test/<class>/, the layout `ember train --data`
// reads. The folder appears whole or not at all: files go to a staging folder beside OUT, are
// flushed to disk together (one syncfs instead of a sync per file), and the folder is renamed.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "args.h"
#include "commands.h"
#include "data_source.h"
#include "model_spec.h"

namespace ember::cli {

namespace fs = std::filesystem;

namespace {

// Class folder names that sort in label order: "0_t-shirt", ..., or "0" ... without names.
std::vector<std::string> class_folders(const std::vector<std::string>& names, int64_t classes) {
  const size_t digits = std::to_string(std::max<int64_t>(classes - 1, 0)).size();
  std::vector<std::string> folders;
  for (int64_t c = 0; c < classes; ++c) {
    std::string number = std::to_string(c);
    number.insert(0, digits - number.size(), '0');
    folders.push_back(names.empty() ? number : number + "_" + names[static_cast<size_t>(c)]);
  }
  return folders;
}

void sync_folder_tree(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0 || ::syncfs(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw IOError(dir.string() + ": cannot flush the exported images to disk");
  }
  ::close(fd);
}

}  // namespace

int cmd_export(const std::vector<std::string>& argv) {
  Args args("export", "Write an IDX data set (MNIST, Fashion-MNIST) as an image folder: OUT/train/<class>/NNNNN.png and\n"
                      "OUT/test/<class>/..., which 'ember train --data OUT' reads. Class folders are numbered so that\n"
                      "their sorted order is the label order.");
  args.option("data", "DIR", default_data_dir(), "folder with MNIST-style IDX files")
      .option("out", "FOLDER", "", "the image folder to create (must not exist)")
      .option("format", "NAME", "png", "png (lossless) or jpg")
      .option("quality", "Q", "95", "JPEG quality, 1-100")
      .option("class-names", "A,B,...", "", "a name for each class, appended to its number (e.g. 0_t-shirt)");
  if (!args.parse(argv)) return 0;
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "' (see 'ember export --help')");
  const std::string format = args.get("format");
  if (format != "png" && format != "jpg") throw UsageError("--format must be png or jpg; got '" + format + "'");
  const int quality = static_cast<int>(args.get_int("quality", 1, 100));
  const fs::path out(args.get("out"));
  if (out.empty()) throw UsageError("give the folder to create with --out (see 'ember export --help')");
  if (fs::exists(out)) throw UsageError(out.string() + " already exists; export writes a new folder (remove it or pick another)");
  if (!is_idx_folder(args.get("data"))) throw UsageError(args.get("data") + " holds no IDX files to export");

  std::vector<std::string> names;
  std::stringstream list(args.get("class-names"));
  for (std::string item; std::getline(list, item, ',');) {
    if (item.empty() || item.find('/') != std::string::npos) throw UsageError("--class-names: '" + item + "' cannot name a folder");
    names.push_back(item);
  }
  const fs::path staging = out.parent_path() / ("." + out.filename().string() + ".partial");
  fs::remove_all(staging);  // what an interrupted export left
  int64_t written = 0;
  try {
    for (const auto& [split, split_name] : {std::pair{DataSplit::Train, "train"}, std::pair{DataSplit::Test, "test"}}) {
      const std::string name = split_name;  // a lambda below uses it (clang 14 cannot capture a binding)
      const ImageSet set = *load_image_set(args.get("data"), split);
      const int64_t classes = set.targets.max().item<int64_t>() + 1;
      if (!names.empty() && static_cast<int64_t>(names.size()) < classes)
        throw UsageError("--class-names gives " + std::to_string(names.size()) + " names for " + std::to_string(classes) + " classes");
      const std::vector<std::string> folders = class_folders(names, classes);
      for (const std::string& f : folders) fs::create_directories(staging / name / f);
      const int64_t n = set.images.size(0);
      const size_t digits = std::to_string(n - 1).size();
      parallel_for_each(0, n, [&](int64_t i) {
        const data::Image img = data::tensor_to_image(set.images[i]);
        std::string number = std::to_string(i);
        number.insert(0, digits - number.size(), '0');
        const fs::path file = staging / name / folders[static_cast<size_t>(set.targets[i].item<int64_t>())] / (number + "." + format);
        std::ofstream out(file, std::ios::binary);
        out << (format == "png" ? data::encode_png(img) : data::encode_jpeg(img, quality));
        out.close();
        if (!out) throw IOError(file.string() + ": cannot write the image (is the disk full?)");
      });
      written += n;
      std::cout << name << ": " << n << " images in " << classes << " class folders\n";
    }
    sync_folder_tree(staging);
    fs::rename(staging, out);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    throw;
  }
  std::cout << "wrote " << written << " " << format << " images to " << out.string() << "\n";
  return 0;
}

}  // namespace ember::cli
