#include "sim/io/files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "models/util/fd_io.hpp"
#include "sim/errors.hpp"

namespace qmac::io {

namespace fs = std::filesystem;

namespace {

std::string errno_text(int err) { return std::strerror(err); }

std::string size_text(size_t bytes) {
  if (bytes >= (size_t{1} << 30) && bytes % (size_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// The file a write to `path` finally reaches: symbolic links followed (also
// dangling ones, whose target is then created), relative targets resolved
// against the link's folder.
std::string follow_links(const std::string& path) {
  fs::path p = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(p, ec);
    if (ec || st.type() != fs::file_type::symlink) return p.string();
    const fs::path to = fs::read_symlink(p, ec);
    if (ec) return p.string();
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  throw RuntimeError("cannot write " + path + ": too many levels of symbolic links");
}

}  // namespace

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  std::string h(buf);
  for (char& c : h)
    if (c == '/' || c == '.') c = '_';
  return h;
}

std::string read_file(const std::string& path, size_t limit, const std::string& what) {
  if (path.empty()) throw InputError("''", "an empty path; expected the path of a " + what);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path, "cannot read the " + what + " (" + errno_text(errno) + ")");
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw InputError(path, "is a directory; expected a " + what);
  }
  std::string text;
  if (S_ISREG(st.st_mode) && size_t(st.st_size) > limit) {
    ::close(fd);
    throw InputError(path, "the " + what + " has " + std::to_string(st.st_size) + " bytes, more than qmac's limit of " +
                               size_text(limit) + " for it");
  }
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw InputError(path, "cannot read the " + what + " (" + errno_text(err) + ")");
    }
    if (n == 0) break;
    if (text.size() + size_t(n) > limit) {
      ::close(fd);
      throw InputError(path, "the " + what + " is larger than qmac's limit of " + size_text(limit) +
                                 " for it (stopped reading there)");
    }
    text.append(buf, size_t(n));
  }
  ::close(fd);
  return text;
}

OutputFile::OutputFile(const std::string& path) : path_(path) {
  if (path.empty()) throw InputError("''", "an empty output path; expected a file path");
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;  // follows symbolic links
  if (!exists && errno != ENOENT) throw RuntimeError("cannot write " + path + ": " + errno_text(errno));
  if (exists && S_ISDIR(st.st_mode)) throw InputError(path, "is a directory; expected a file path to write");
  // Devices and FIFOs, and anything named through /dev or /proc (/dev/stdout
  // may resolve to a regular file the shell opened): written in place, never
  // replaced by a new file.
  const bool system_path = path.rfind("/dev/", 0) == 0 || path.rfind("/proc/", 0) == 0;
  if ((exists && !S_ISREG(st.st_mode)) || system_path) {
    // (A regular file reached through /dev/stdout or /proc/self/fd/N is the
    // shell's output: appended to, never truncated over what was written.)
    fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | (exists && S_ISREG(st.st_mode) ? O_APPEND : 0));
    if (fd_ < 0) throw RuntimeError("cannot write " + path + ": " + errno_text(errno));
    in_place_ = true;
    return;
  }
  // A regular file (through any symbolic links) or a new one: a temporary
  // beside the final target, renamed onto it by commit().
  target_ = follow_links(path);
  remove_stale_temporaries(target_);
  temp_ = target_ + ".tmp." + host_name() + "." + std::to_string(::getpid());
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    const int err = errno;
    temp_.clear();
    throw RuntimeError("cannot write " + path + ": " + errno_text(err) +
                       (err == ENOENT ? " (its folder does not exist; qmac does not create it)" : ""));
  }
  if (exists) ::fchmod(fd_, st.st_mode & 07777);  // an existing file keeps its permissions
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

void OutputFile::fail(const std::string& what, int err) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_.empty()) ::unlink(temp_.c_str());
  temp_.clear();
  throw RuntimeError("cannot write " + path_ + ": " + what + errno_text(err));
}

void OutputFile::write(std::string_view bytes) {
  if (fd_ < 0) throw std::logic_error("OutputFile::write after commit or failure");
  int err = 0;
  if (!util::write_all(fd_, bytes.data(), bytes.size(), err)) fail("", err);
}

void OutputFile::commit() {
  if (fd_ < 0) throw std::logic_error("OutputFile::commit twice or after failure");
  if (!in_place_ && ::fsync(fd_) != 0) fail("sync: ", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("close: ", errno);
  if (in_place_) return;
  if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("rename: ", errno);
  temp_.clear();
}

void write_file(const std::string& path, std::string_view content) {
  OutputFile f(path);
  f.write(content);
  f.commit();
}

void make_output_dir(const std::string& dir, const std::string& what) {
  if (dir.empty()) throw InputError("''", "an empty path; expected the " + what + " folder");
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (!ec && fs::exists(st)) {
    if (!fs::is_directory(st)) throw InputError(dir, "exists and is not a folder; expected the " + what + " folder");
    return;
  }
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
    const int err = errno;
    throw RuntimeError("cannot create the " + what + " folder " + dir + ": " + errno_text(err) +
                       (err == ENOENT ? " (its parent does not exist; qmac creates only the folder itself)" : ""));
  }
}

void check_output_dir(const std::string& dir, const std::string& what) {
  if (dir.empty()) throw InputError("''", "an empty path; expected the " + what + " folder");
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) throw InputError(dir, "exists and is not a folder; expected the " + what + " folder");
    return;
  }
  fs::path parent = fs::path(dir).lexically_normal().parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec))
    throw InputError(dir, "its parent folder " + parent.string() +
                              " does not exist; expected an existing folder or a new one inside an existing folder "
                              "(qmac creates only the " + what + " folder itself)");
}

void finish_stdout() {
  errno = 0;
  std::cout.flush();
  int err = errno;
  const bool cpp_ok = bool(std::cout);
  const bool c_ok = std::fflush(stdout) == 0 && !std::ferror(stdout);
  if (err == 0) err = errno;
  if (!cpp_ok || !c_ok)
    throw RuntimeError(std::string("cannot write standard output") + (err ? ": " + errno_text(err) : ""));
}

void remove_stale_temporaries(const std::string& target) {
  const fs::path t(target);
  const fs::path dir = t.parent_path().empty() ? fs::path(".") : t.parent_path();
  const std::string prefix = t.filename().string() + ".tmp." + host_name() + ".";
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string pid = name.substr(prefix.size());
    if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (std::stol(pid) == ::getpid()) continue;
    if (::kill(pid_t(std::stol(pid)), 0) != 0 && errno == ESRCH) {
      std::error_code rm;
      fs::remove(it->path(), rm);
    }
  }
}

}  // namespace qmac::io
