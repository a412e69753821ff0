// Writes the fuzz targets' seed corpus: small valid inputs of each kind, so mutation starts from
// files that reach deep into each reader. The output is committed under fuzz/corpus/; rerun after
// a format change:  build/fuzz/fuzz_make_corpus fuzz/corpus tests/reference/fixtures
#include <filesystem>
#include <fstream>
#include <iostream>

#include "model_spec.h"

namespace fs = std::filesystem;
using namespace ember;

namespace {

void write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

void model(const fs::path& path, cli::ModelSpec spec) {
  manual_seed(0);
  const auto net = spec.build();
  save_safetensors(path.string(), state_dict(*net), spec.to_metadata());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: fuzz_make_corpus OUT_DIR FIXTURE_DIR\n";
    return 2;
  }
  const fs::path out(argv[1]), fixtures(argv[2]);
  for (const char* d : {"safetensors", "idx", "model_file", "cli_args", "image"}) fs::create_directories(out / d);

  save_safetensors((out / "safetensors/two_tensors").string(), {{"w", randn({2, 3})}, {"b", zeros({3})}},
                   {{"note", "seed"}});
  save_safetensors((out / "safetensors/every_dtype").string(),
                   {{"f32", ones({2})}, {"f64", ones({1}, kFloat64)}, {"i64", tensor({1, 2}, kInt64)},
                    {"i32", tensor({3}, kInt32)}, {"u8", tensor({4}, kUInt8)}, {"b", tensor({true})},
                    {"scalar", tensor(2.0)}, {"empty", zeros({0, 3})}});
  save_safetensors((out / "safetensors/metadata_only").string(), {}, {{"a", "b"}});
  fs::copy_file(fixtures / "torch_mlp_io.safetensors", out / "safetensors/written_by_pytorch",
                fs::copy_options::overwrite_existing);

  data::write_idx((out / "idx/images").string(), {{2, 2, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}});
  data::write_idx((out / "idx/labels.gz").string(), {{5}, {1, 2, 3, 4, 5}});
  data::write_idx((out / "idx/image.gz").string(), {{1, 28, 28}, std::vector<uint8_t>(784, 128)});

  cli::ModelSpec mlp;
  mlp.hidden = {3, 2};
  mlp.height = mlp.width = 2;
  mlp.classes = 3;
  mlp.mean = {0.1};
  mlp.std = {0.3};
  model(out / "model_file/mlp", mlp);
  cli::ModelSpec linear = mlp;
  linear.kind = "linear";
  linear.hidden.clear();
  model(out / "model_file/linear", linear);

  // Images: each PNG colour type the decoder keeps, and grey and colour JPEG.
  for (int64_t c = 1; c <= 4; ++c) {
    data::Image img(5, 7, c);
    for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<uint8_t>(i * 37);
    write(out / ("image/png_" + std::to_string(c) + "ch"), data::encode_png(img));
    if (c == 1 || c == 3) write(out / ("image/jpeg_" + std::to_string(c) + "ch"), data::encode_jpeg(img, 80));
  }

  using namespace std::string_literals;
  write(out / "cli_args/values", "--epochs\0"s "5\0"s "--lr=0.1\0"s "--hidden\0"s "100,50\0"s "--verbose\0"s "file.png"s);
  write(out / "cli_args/help", "--help"s);
  write(out / "cli_args/bad", "--epochs\0"s "-3\0"s "--lr\0"s "1e999\0"s "--nope"s);
  std::cout << "wrote the seed corpus under " << out << "\n";
  return 0;
}
