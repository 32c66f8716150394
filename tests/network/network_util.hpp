// Helpers for the network tests: files in the suite's temporary folder and
// `qmac run` as a user runs it.
#pragma once

#include <filesystem>
#include "test_tmpdir.hpp"
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/run_qmac.hpp"

namespace qmac::net_test {

// A file under the suite's temporary directory; returns its absolute path.
inline std::string temp_file(const std::string& name, const std::string& content) {
  std::filesystem::create_directories(QMAC_TEST_TMPDIR);
  const std::string path =
      std::filesystem::absolute(std::string(QMAC_TEST_TMPDIR) + "/" + name).lexically_normal().string();
  std::ofstream(path) << content;
  return path;
}

inline nlohmann::json run_json(const std::string& args) {
  const auto r = run_qmac("run " + args + " --json -");
  EXPECT_EQ(r.code, 0) << r.err;
  if (r.code != 0) return nlohmann::json::object();
  return nlohmann::json::parse(r.out);
}

// The message (stderr) of a run that must fail with exit code 2.
inline std::string run_error(const std::string& args) {
  const auto r = run_qmac("run " + args);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  std::string e = r.err;
  while (!e.empty() && e.back() == '\n') e.pop_back();
  return e;
}

}  // namespace qmac::net_test
