#!/usr/bin/env bash
# Installs ember from a build tree into a temporary prefix, then builds and runs a user program
# against it twice: with pkg-config (g++ prog.cpp $(pkg-config --cflags --libs ember)) and with
# CMake's find_package(ember). Usage: check_install.sh BUILD_DIR SOURCE_DIR [CXX [CXXFLAGS]]
# (CXX: the compiler the library was built with; CXXFLAGS: e.g. its -fsanitize flags).
set -euo pipefail
build=$1
src=$2
cxx=${3:-g++}
flags=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/ember/ember.h"
test -f "$work/prefix/include/ember/tensor/tensor.h"

export PKG_CONFIG_PATH="$(dirname "$(find "$work/prefix" -name ember.pc)")"
# shellcheck disable=SC2086  # flags is a list of words
"$cxx" $flags "$src/consumer.cpp" $(pkg-config --cflags --libs ember) -o "$work/consumer_pc"
"$work/consumer_pc" | tee "$work/out_pc.txt"
grep -q "step 15 loss" "$work/out_pc.txt"

cmake -S "$src" -B "$work/cmake_build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_COMPILER="$cxx" \
      -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$work/cmake_build" >/dev/null
"$work/cmake_build/consumer" | grep -q "step 15 loss"
echo "installed ember works with pkg-config and find_package"
