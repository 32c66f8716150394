#include "sim/rtl/tools.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/errors.hpp"

namespace qmac::rtl {

namespace fs = std::filesystem;

std::string require_tool(const std::string& program, const std::string& package) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    const fs::path p = fs::path(dir) / program;
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  throw RuntimeError(program + " not found on PATH: install the Debian package '" + package +
                     "' (scripts/setup.sh installs it)");
}

int run_tool(const std::vector<std::string>& argv, const std::string& dir, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid < 0) throw RuntimeError("cannot fork to run " + argv.at(0));
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) ::_exit(126);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> write_design(const Design& d, const std::string& dir) {
  std::vector<std::string> paths;
  for (const auto& f : d.files) {
    const std::string p = (fs::path(dir) / f.name).string();
    write_text(p, f.text);
    paths.push_back(p);
  }
  return paths;
}

ScratchDir::ScratchDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) throw RuntimeError("cannot create a scratch folder " + templ);
  path_ = buf.data();
}

ScratchDir::~ScratchDir() {
  if (keep_ || std::uncaught_exceptions() > exceptions_) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void simulate_icarus(const std::string& dir, const std::string& top, const std::vector<std::string>& sources,
                     const std::string& what, const std::string& tag, const std::vector<std::string>& plusargs) {
  const std::string iverilog = require_tool("iverilog", "iverilog");
  const std::string vvp = require_tool("vvp", "iverilog");
  const std::string suffix = tag.empty() ? "" : "_" + tag, image = top + suffix + ".vvp";
  std::vector<std::string> compile = {iverilog, "-g2005", "-s", top, "-o", image};
  compile.insert(compile.end(), sources.begin(), sources.end());
  const std::string ilog = dir + "/iverilog" + suffix + ".log", vlog = dir + "/vvp" + suffix + ".log";
  if (run_tool(compile, dir, ilog) != 0) throw RuntimeError("iverilog failed on " + what + ":\n" + read_text(ilog));
  std::vector<std::string> run = {vvp, "-n", image};
  run.insert(run.end(), plusargs.begin(), plusargs.end());
  if (run_tool(run, dir, vlog) != 0) throw RuntimeError("vvp failed on " + what + ":\n" + read_text(vlog));
}

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw RuntimeError("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  f.close();
  if (!f) throw RuntimeError("cannot write " + path);
}

}  // namespace qmac::rtl
