// .npy load/save. Saving goes through xtensor's writer (xt::dump_npy) and the
// checked file writer of sim/io. Loading has its own strict reader of the
// format (numpy's NEP 1, "A simple file format for NumPy arrays"): xtensor
// 0.24's reader sign-extends the 1.0 header length (a valid file with a header
// over 127 bytes was rejected) and allocates whatever length a header claims,
// so a 2 GB claim allocated 2 GB. Here every length is checked against the file
// and a stated limit before anything is allocated, and every failure is an
// InputError naming the file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <string_view>

// xnpy's header parser uses <regex>, in which GCC 12 reports a false
// -Wmaybe-uninitialized under -fsanitize=address (libstdc++'s std::function in
// regex_automaton.h). Silenced for these system headers only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>
#include <xtensor/xadapt.hpp>
#include <xtensor/xnpy.hpp>
#pragma GCC diagnostic pop

#include "models/util/fd_io.hpp"
#include "sim/errors.hpp"
#include "sim/io/files.hpp"
#include "sim/workload/tensor.hpp"

namespace qmac::workload {

namespace {

// numpy itself refuses headers over 10000 bytes unless told otherwise
// (numpy.lib.format, max_header_size); a 2-D float array needs about 128.
constexpr size_t kMaxNpyHeader = 65536;

std::string shape_text(const std::vector<size_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

class Fd {
 public:
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw InputError(path, std::string("cannot open the .npy file (") + std::strerror(errno) + ")");
  }
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

using util::read_exact;

// The header dictionary: a Python literal {'descr': '<f8', 'fortran_order':
// False, 'shape': (3, 4), } with the keys in any order, padded with spaces and a
// newline.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& path) : s_(text), path_(path) {}

  void parse(std::string& descr, bool& fortran, std::vector<size_t>& shape) {
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    expect('{');
    while (true) {
      skip();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      if (key == "descr" && !seen_descr) {
        descr = string_literal();
        seen_descr = true;
      } else if (key == "fortran_order" && !seen_fortran) {
        fortran = boolean();
        seen_fortran = true;
      } else if (key == "shape" && !seen_shape) {
        shape = tuple();
        seen_shape = true;
      } else {
        bad("unexpected key '" + key + "' (or a key given twice)");
      }
      skip();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip();
      if (peek() != '}') bad("expected ',' or '}'");
    }
    ++pos_;
    skip();
    if (pos_ != s_.size()) bad("text after the header dictionary");
    if (!seen_descr || !seen_fortran || !seen_shape) bad("the header needs 'descr', 'fortran_order' and 'shape'");
  }

 private:
  [[noreturn]] void bad(const std::string& what) const {
    throw InputError(path_, "not a valid .npy header at byte " + std::to_string(pos_) + ": " + what);
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void expect(char c) {
    skip();
    if (peek() != c) bad(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string string_literal() {
    skip();
    const char q = peek();
    if (q != '\'' && q != '"') bad("expected a quoted string");
    const size_t start = ++pos_;
    while (pos_ < s_.size() && s_[pos_] != q) ++pos_;
    if (pos_ >= s_.size()) bad("unterminated string");
    return std::string(s_.substr(start, pos_++ - start));
  }
  bool boolean() {
    skip();
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    bad("expected True or False");
  }
  std::vector<size_t> tuple() {
    expect('(');
    std::vector<size_t> dims;
    while (true) {
      skip();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) bad("expected a dimension");
      size_t v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        if (v > (size_t{1} << 40)) bad("a dimension is too large");
        v = v * 10 + size_t(s_[pos_++] - '0');
      }
      dims.push_back(v);
      skip();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ')') bad("expected ',' or ')' in the shape");
    }
    ++pos_;
    if (dims.size() > 32) bad("more than 32 dimensions");
    return dims;
  }
  std::string_view s_;
  const std::string& path_;
  size_t pos_ = 0;
};

struct NpyInfo {
  size_t word = 0;    // bytes per value: 4 (float32) or 8 (float64)
  bool fortran = false;
  size_t data_offset = 0;
};

// Reads and checks the header: a float32/float64 little-endian array of shape
// (rows, cols) whose data is all there.
NpyInfo read_header(int fd, const std::string& path, int rows, int cols) {
  char pre[10];
  if (!read_exact(fd, pre, 8) || std::memcmp(pre, "\x93NUMPY", 6) != 0)
    throw InputError(path, "not a .npy file (no \\x93NUMPY magic)");
  const auto major = static_cast<unsigned char>(pre[6]), minor = static_cast<unsigned char>(pre[7]);
  size_t header_len = 0, prefix = 0;
  if (major == 1 && minor == 0) {
    if (!read_exact(fd, pre, 2)) throw InputError(path, "truncated .npy header");
    header_len = size_t(static_cast<unsigned char>(pre[0])) | size_t(static_cast<unsigned char>(pre[1])) << 8;
    prefix = 10;
  } else if ((major == 2 || major == 3) && minor == 0) {
    if (!read_exact(fd, pre, 4)) throw InputError(path, "truncated .npy header");
    for (int i = 3; i >= 0; --i) header_len = header_len << 8 | size_t(static_cast<unsigned char>(pre[i]));
    prefix = 12;
  } else {
    throw InputError(path, "unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor) +
                               "; expected 1.0, 2.0 or 3.0");
  }
  if (header_len > kMaxNpyHeader)
    throw InputError(path, "the .npy header claims " + std::to_string(header_len) + " bytes, more than qmac's limit of " +
                               std::to_string(kMaxNpyHeader));
  std::string header(header_len, '\0');
  if (!read_exact(fd, header.data(), header_len)) throw InputError(path, "truncated .npy header");
  std::string descr;
  NpyInfo info;
  std::vector<size_t> shape;
  HeaderParser(header, path).parse(descr, info.fortran, shape);
  if (descr == "<f8") info.word = 8;
  else if (descr == "<f4") info.word = 4;
  else throw InputError(path, "dtype '" + descr + "', expected float32 ('<f4') or float64 ('<f8'), little-endian");
  if (shape.size() != 2 || shape[0] != size_t(rows) || shape[1] != size_t(cols))
    throw InputError(path, "shape " + shape_text(shape) + ", expected (" + std::to_string(rows) + ", " +
                               std::to_string(cols) + ")");
  info.data_offset = prefix + header_len;
  struct stat st {};
  const size_t need = size_t(rows) * size_t(cols) * info.word;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    const size_t have = size_t(st.st_size) > info.data_offset ? size_t(st.st_size) - info.data_offset : 0;
    if (have < need)
      throw InputError(path, "truncated data: " + std::to_string(have) + " of " + std::to_string(need) + " bytes");
    if (have > need)
      throw InputError(path, std::to_string(have - need) + " bytes after the data of shape " + shape_text(shape) +
                                 "; expected exactly " + std::to_string(need));
  }
  return info;
}

}  // namespace

void check_npy(const std::string& path, int rows, int cols) {
  const Fd fd(path);
  read_header(fd.get(), path, rows, cols);
}

Tensor load_npy(const std::string& path, int rows, int cols) {
  const Fd fd(path);
  const NpyInfo info = read_header(fd.get(), path, rows, cols);
  const size_t n = size_t(rows) * size_t(cols);
  std::vector<char> raw(n * info.word);
  if (!read_exact(fd.get(), raw.data(), raw.size())) throw InputError(path, "truncated data");
  char extra;
  if (read_exact(fd.get(), &extra, 1)) throw InputError(path, "data continues after the array's last value");
  static_assert(sizeof(float) == 4 && sizeof(double) == 8, "IEEE float32/float64 expected");
  Tensor t{rows, cols, std::vector<double>(n)};
  for (size_t i = 0; i < n; ++i) {
    double v;
    if (info.word == 8) {
      std::memcpy(&v, raw.data() + i * 8, 8);
    } else {
      float f;
      std::memcpy(&f, raw.data() + i * 4, 4);
      v = f;
    }
    // C order stores (r, c) at r*cols + c; Fortran order at c*rows + r.
    const size_t r = info.fortran ? i % size_t(rows) : i / size_t(cols);
    const size_t c = info.fortran ? i / size_t(rows) : i % size_t(cols);
    t.values[r * size_t(cols) + c] = v;
  }
  return t;
}

void save_npy(const std::string& path, const Tensor& t) {
  if (t.values.size() != size_t(t.rows) * size_t(t.cols))
    throw std::logic_error("save_npy " + path + ": tensor has " + std::to_string(t.values.size()) + " values for " +
                           std::to_string(t.rows) + " x " + std::to_string(t.cols));
  const std::vector<size_t> shape{size_t(t.rows), size_t(t.cols)};
  io::write_file(path, xt::dump_npy(xt::adapt(t.values, shape)));
}

}  // namespace qmac::workload
