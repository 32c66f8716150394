// Shared by the libFuzzer targets (tests/fuzz/*.cpp, built by scripts/fuzz.sh
// with clang, -fsanitize=fuzzer,address,undefined): the bytes of an input as a
// file the parsers can open (an in-memory file, no disk traffic), and the one
// rule every target checks -- bad input ends in qmac's own error types
// (InputError, ModelError), never in a crash, a sanitizer report, a hang, an
// unbounded allocation, or any other exception.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "models/numerics/errors.hpp"
#include "sim/errors.hpp"

namespace qmac::fuzz {

// An anonymous in-memory file holding `data`; path() opens it (through
// /proc/self/fd, which qmac's readers treat as any other path).
class MemFile {
 public:
  MemFile(const uint8_t* data, size_t size) : fd_(::memfd_create("qmac-fuzz", MFD_CLOEXEC)) {
    if (fd_ < 0) std::abort();
    for (size_t done = 0; done < size;) {
      const ssize_t w = ::write(fd_, data + done, size - done);
      if (w <= 0) std::abort();
      done += size_t(w);
    }
  }
  ~MemFile() { ::close(fd_); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

// Runs f; qmac's error types are the expected outcome of bad input. Anything
// else escaping is a finding: abort so libFuzzer records the input.
template <class F>
void expect_clean(F&& f) {
  try {
    f();
  } catch (const InputError&) {
  } catch (const ModelError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    std::abort();
  }
}

}  // namespace qmac::fuzz
