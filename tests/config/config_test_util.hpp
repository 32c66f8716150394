// Helpers for the config tests: load from text and capture the InputError message.
#pragma once

#include <filesystem>
#include "test_tmpdir.hpp"
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/config/config.hpp"
#include "sim/errors.hpp"

namespace qmac::config::test {

// The message of the InputError that loading `yaml` (named cfg.yaml) with `sets`
// throws; fails the test if it loads.
inline std::string error_of(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  try {
    load_string(yaml, "cfg.yaml", sets, QMAC_TEST_TMPDIR);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "loaded without error:\n" << yaml;
  return "";
}

// A file under the suite's temporary directory with `content`; returns its absolute path.
inline std::string slurp(const std::string& path) {
  std::ifstream f(path);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

inline std::string temp_file(const std::string& name, const std::string& content) {
  std::filesystem::create_directories(QMAC_TEST_TMPDIR);
  const std::string path = std::filesystem::absolute(std::string(QMAC_TEST_TMPDIR) + "/" + name).lexically_normal().string();
  std::ofstream(path) << content;
  return path;
}

}  // namespace qmac::config::test
