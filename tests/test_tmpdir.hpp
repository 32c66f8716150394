// QMAC_TEST_TMPDIR: the running test's own temporary folder.
//
// ctest runs every test in its own process, two at a time in CI, so a folder
// shared by a suite lets one test read a file another is rewriting (it happened:
// two policy tests wrote the same pol_net.yaml and one read it half-written).
// Each test therefore gets <build>/tests/tmp_<suite>/<TestSuite>.<TestName>,
// emptied the first time the process asks for it, so a test never sees another
// test's files nor a file from an earlier run. Outside a test body (nothing
// calls it there today) the folder is per process.
#pragma once

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace qmac::test {

inline std::string test_tmpdir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string leaf = info ? std::string(info->test_suite_name()) + "." + info->name()
                          : "process_" + std::to_string(::getpid());
  for (char& c : leaf)  // parameterised names carry '/' and quotes
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) c = '_';
  const std::string dir = std::string(QMAC_TEST_TMPDIR_BASE) + "/" + leaf;
  static std::set<std::string> fresh;
  if (fresh.insert(dir).second) std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace qmac::test

#define QMAC_TEST_TMPDIR (::qmac::test::test_tmpdir())
