// .npy load/save through xtensor's reader (xtensor/xnpy.hpp), with the checks
// xt::load_npy leaves out (truncated data, dtype, shape) turned into InputError
// naming the file.
#include <cstring>
#include <fstream>
#include <sstream>

// xnpy's header parser uses <regex>, in which GCC 12 reports a false
// -Wmaybe-uninitialized under -fsanitize=address (libstdc++'s std::function in
// regex_automaton.h). Silenced for these system headers only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>
#include <xtensor/xadapt.hpp>
#include <xtensor/xnpy.hpp>
#pragma GCC diagnostic pop

#include "sim/errors.hpp"
#include "sim/workload/tensor.hpp"

namespace qmac::workload {

namespace {

std::string shape_text(const std::vector<size_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

Tensor load_npy(const std::string& path, int rows, int cols) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the .npy file");
  std::string header, typestr;
  bool fortran = false;
  std::vector<size_t> shape;
  try {
    unsigned char major = 0, minor = 0;
    xt::detail::read_magic(in, &major, &minor);
    if (major == 1 && minor == 0) header = xt::detail::read_header_1_0(in);
    else if (major == 2 && minor == 0) header = xt::detail::read_header_2_0(in);
    else throw InputError(path, "unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor));
    if (!in || header.empty()) throw InputError(path, "truncated .npy header");
    xt::detail::parse_header(header, typestr, &fortran, shape);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(path, std::string("not a valid .npy file (") + e.what() + ")");
  }
  size_t word = 0;
  if (typestr == "<f8") word = 8;
  else if (typestr == "<f4") word = 4;
  else throw InputError(path, "dtype '" + typestr + "', expected float32 ('<f4') or float64 ('<f8')");
  if (shape.size() != 2 || shape[0] != size_t(rows) || shape[1] != size_t(cols))
    throw InputError(path, "shape " + shape_text(shape) + ", expected (" + std::to_string(rows) + ", " +
                               std::to_string(cols) + ")");
  const size_t n = size_t(rows) * size_t(cols);
  std::vector<char> raw(n * word);
  in.read(raw.data(), std::streamsize(raw.size()));
  if (size_t(in.gcount()) != raw.size())
    throw InputError(path, "truncated data: " + std::to_string(in.gcount()) + " of " + std::to_string(raw.size()) +
                               " bytes");
  static_assert(sizeof(float) == 4 && sizeof(double) == 8, "IEEE float32/float64 expected");
  Tensor t{rows, cols, std::vector<double>(n)};
  for (size_t i = 0; i < n; ++i) {
    double v;
    if (word == 8) {
      std::memcpy(&v, raw.data() + i * 8, 8);
    } else {
      float f;
      std::memcpy(&f, raw.data() + i * 4, 4);
      v = f;
    }
    // C order stores (r, c) at r*cols + c; Fortran order at c*rows + r.
    const size_t r = fortran ? i % size_t(rows) : i / size_t(cols);
    const size_t c = fortran ? i / size_t(rows) : i % size_t(cols);
    t.values[r * size_t(cols) + c] = v;
  }
  return t;
}

void save_npy(const std::string& path, const Tensor& t) {
  if (t.values.size() != size_t(t.rows) * size_t(t.cols))
    throw RuntimeError("save_npy " + path + ": tensor has " + std::to_string(t.values.size()) + " values for " +
                       std::to_string(t.rows) + " x " + std::to_string(t.cols));
  const std::vector<size_t> shape{size_t(t.rows), size_t(t.cols)};
  const std::string bytes = xt::dump_npy(xt::adapt(t.values, shape));
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  out.close();
  if (!out) throw RuntimeError("cannot write " + path);
}

}  // namespace qmac::workload
