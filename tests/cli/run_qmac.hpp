// Runs the qmac executable as a user would, capturing exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>
#include "test_tmpdir.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

struct QmacResult {
  int code = -1;
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// `args` is passed to the shell as is (quote where needed); `input` goes to stdin.
inline QmacResult run_qmac(const std::string& args, const std::string& input = "") {
  static int counter = 0;
  const std::string base = std::string(QMAC_TEST_TMPDIR) + "/run" + std::to_string(::getpid()) + "_" +
                           std::to_string(counter++);
  std::system(("mkdir -p '" + std::string(QMAC_TEST_TMPDIR) + "'").c_str());
  {
    std::ofstream in(base + ".in");
    in << input;
  }
  const std::string cmd = "SC_COPYRIGHT_MESSAGE=DISABLE '" + std::string(QMAC_BINARY) + "' " + args + " <'" + base +
                          ".in' >'" + base + ".out' 2>'" + base + ".err'";
  const int status = std::system(cmd.c_str());
  QmacResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  return r;
}
