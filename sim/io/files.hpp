// Reading the files a user names, and writing the files a user asks for, so
// that bad input is a clear error and a failure never damages anything:
//
// Reading (configs, sweep files, gate/technology files, topologies, results):
// the path must name a readable file (not a directory, not empty), and at most
// `limit` bytes are read -- a larger input (a typo naming /dev/zero, a huge
// log) is an error that states the limit, never an unbounded allocation.
//
// Writing (--json, --save-tensors, --vcd, merged CSVs, sorted results):
// - a new path, or an existing regular file, is written to a temporary file
//   beside it and renamed over it only when every byte is written and synced:
//   a failure or a kill leaves the old file intact (the temporary is removed,
//   and temporaries of killed runs are cleaned up by the next write);
// - a symbolic link is followed: its target is written by the same rules (the
//   link stays a link);
// - anything else that exists -- a device such as /dev/null or /dev/stdout, a
//   FIFO -- is opened and written in place: it is never replaced by a file;
// - a directory is an error.
// Every write, sync and close is checked; a failure is a RuntimeError (exit 1)
// naming the path. Nothing else is created: a missing parent folder is an
// error, not created.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace qmac::io {

// Size limits of the inputs qmac reads whole (README "Errors and limits").
inline constexpr size_t kMaxTextInput = size_t{16} << 20;      // configs, sweeps, gate/tech files, topologies
inline constexpr size_t kMaxResultsInput = size_t{1} << 30;    // sweep results (CSV / JSON lines) on --resume, merge

// Reads a whole file; `what` names it in errors ("config file", ...). Throws
// InputError (exit 2) naming the path: missing, unreadable, a directory, an
// empty path, or more than `limit` bytes.
std::string read_file(const std::string& path, size_t limit, const std::string& what);

// A file being written (see the rules above). Not copyable; destroying it
// without commit() discards what was written (the original stays).
class OutputFile {
 public:
  explicit OutputFile(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  const std::string& path() const { return path_; }
  // The descriptor being written (the temporary for a regular file).
  int fd() const { return fd_; }
  void write(std::string_view bytes);
  // Syncs, closes and (regular files) renames into place.
  void commit();

 private:
  void fail(const std::string& what, int err);
  std::string path_;    // as the user gave it (for messages)
  std::string target_;  // the file finally written (a symlink's target)
  std::string temp_;    // regular files: the temporary renamed onto target_
  int fd_ = -1;
  bool in_place_ = false;
};

// write_file(path, content): OutputFile + write + commit.
void write_file(const std::string& path, std::string_view content);

// Creates the folder `dir` if it does not exist (its parent must exist: qmac
// never creates a chain of folders); an existing folder is fine. InputError
// when `dir` is empty or names something that is not a folder; RuntimeError
// when it cannot be created.
void make_output_dir(const std::string& dir, const std::string& what);

// Checks, before a run, that make_output_dir(dir) can succeed: `dir` is a
// folder, or does not exist and its parent is a folder. InputError otherwise.
void check_output_dir(const std::string& dir, const std::string& what);

// Checks that standard output received everything (flushes C and C++ streams);
// RuntimeError "cannot write standard output: ..." otherwise.
void finish_stdout();

// Temporary files of writes to `target` left by killed qmac processes on this
// host (TARGET.tmp.HOST.PID with no such process): removed. Best effort.
void remove_stale_temporaries(const std::string& target);

// This host's name as one path component (dots and slashes replaced).
std::string host_name();

}  // namespace qmac::io
