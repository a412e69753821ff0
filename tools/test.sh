#!/usr/bin/env bash
# README command 2 (and CI): build ember three ways and run every test in each build.
#   build/        g++, Release: the library as users build it (and the benchmarks)
#   build-clang/  clang, Release: the same suite under the other compiler
#   build-asan/   clang with AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer, -O1:
#                 the suite again, plus a smoke run of each libFuzzer target (fuzz/)
# EMBER_TEST_BUILDS picks fewer for a quick local run, e.g. EMBER_TEST_BUILDS=gcc bash tools/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
builds=${EMBER_TEST_BUILDS:-gcc clang asan}

run_suite() {  # DIR [CTEST ARGS...]: ctest in DIR, the failures' output shown
  local dir=$1
  shift
  echo "== tests in $dir $* =="
  (cd "$dir" && ctest --output-on-failure -j"$(nproc)" "$@")
}

# Whole training runs that take minutes under the sanitizers (the crash-safety kill test 131 s,
# the CLI's LeNet 68 s, the libtorch-style ResNet 32 s): the two Release builds run them, and the
# sanitizer build checks the same library code through the unit tests.
asan_skips='^(CrashSafety\.|Cli\.CnnTrainsAndItsFileRebuildsIt$|Examples\.LibtorchStyleResNet$)'


for b in $builds; do
  case $b in
    gcc)
      bash tools/build.sh
      run_suite build ;;
    clang)
      cmake -S . -B build-clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release \
            -DEMBER_BUILD_BENCHMARKS=OFF >/dev/null
      cmake --build build-clang -j"$(nproc)"
      run_suite build-clang ;;
    asan)
      cmake -S . -B build-asan -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
            -DEMBER_SANITIZE=address,undefined -DEMBER_BUILD_FUZZERS=ON -DEMBER_BUILD_BENCHMARKS=OFF >/dev/null
      cmake --build build-asan -j"$(nproc)"
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions="$PWD/tools/lsan.supp" \
        UBSAN_OPTIONS=print_stacktrace=1 run_suite build-asan -E "$asan_skips" ;;
    *)
      echo "tools/test.sh: unknown build '$b' in EMBER_TEST_BUILDS (gcc, clang, asan)" >&2
      exit 2 ;;
  esac
done
