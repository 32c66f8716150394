// Whole reads and writes on a file descriptor, retrying short transfers and
// EINTR: the one loop every layer that talks to a pipe or a file uses (the
// simulation child's result pipe, the waveform pump, .npy reading, results
// files). Header-only, plain POSIX.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstddef>

namespace qmac::util {

// Reads exactly n bytes; false at end of input or on an error (errno set).
inline bool read_exact(int fd, void* data, size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= size_t(r);
  }
  return true;
}

// Writes all n bytes; false on an error, with its errno in `err` (EIO for a
// write that made no progress).
inline bool write_all(int fd, const void* data, size_t n, int& err) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      err = w < 0 ? errno : EIO;
      return false;
    }
    p += w;
    n -= size_t(w);
  }
  return true;
}

}  // namespace qmac::util
