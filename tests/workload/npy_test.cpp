// .npy round trip (save_npy -> load_npy, and numpy-written files when python3
// with numpy is present) and rejection of bad files naming the file.
#include <cmath>
#include "test_tmpdir.hpp"
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "sim/errors.hpp"
#include "sim/workload/tensor.hpp"

using namespace qmac::workload;

namespace {

std::string tmp(const std::string& name) {
  std::system(("mkdir -p '" + std::string(QMAC_TEST_TMPDIR) + "'").c_str());
  return std::string(QMAC_TEST_TMPDIR) + "/" + name;
}

void expect_rejected(const std::string& path, int rows, int cols, const std::string& what) {
  try {
    load_npy(path, rows, cols);
    ADD_FAILURE() << path << " accepted";
  } catch (const qmac::InputError& e) {
    EXPECT_EQ(e.where(), path);
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Npy_RoundTrip, SaveThenLoadIsBitExact) {
  TensorSpec s;
  s.dist.kind = DistKind::student_t;
  s.seed = 3;
  Tensor t = generate(s, 7, 5, Axis::rows);
  t.values[3] = -0.0;
  t.values[4] = 1e-310;  // a subnormal survives too
  const std::string path = tmp("rt.npy");
  save_npy(path, t);
  const Tensor u = load_npy(path, 7, 5);
  EXPECT_EQ(u.rows, 7);
  EXPECT_EQ(u.cols, 5);
  ASSERT_EQ(u.values.size(), t.values.size());
  for (size_t i = 0; i < t.values.size(); ++i) EXPECT_EQ(std::signbit(u.values[i]), std::signbit(t.values[i]));
  EXPECT_EQ(u.values, t.values);
}

TEST(Npy_RoundTrip, ReadsWhatNumpyWrites) {
  // Debian's python3-numpy is a declared dependency (scripts/setup.sh): use its
  // interpreter explicitly (a pyenv python earlier on PATH has no numpy) and
  // fail rather than skip when it is missing.
  const std::string c32 = tmp("np_c32.npy"), f64 = tmp("np_f64_fortran.npy"), back = tmp("np_check.npy");
  const std::string py = "/usr/bin/python3 -c \"import numpy as np; a = np.arange(12, dtype=np.float64).reshape(3, 4) / 8 - 0.5; "
                         "np.save('" + c32 + "', a.astype(np.float32)); np.save('" + f64 + "', np.asfortranarray(a))\"";
  ASSERT_EQ(std::system(py.c_str()), 0);
  for (const std::string& p : {c32, f64}) {
    const Tensor t = load_npy(p, 3, 4);
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 4; ++c) EXPECT_EQ(t.at(r, c), (r * 4 + c) / 8.0 - 0.5) << p;
  }
  // And numpy reads what save_npy writes.
  save_npy(back, load_npy(c32, 3, 4));
  const std::string check = "/usr/bin/python3 -c \"import numpy as np; a = np.load('" + back +
                            "'); assert a.dtype == np.float64 and a.shape == (3, 4) and a[2, 3] == 11 / 8 - 0.5\"";
  EXPECT_EQ(std::system(check.c_str()), 0);
}

TEST(Npy_Errors, BadFilesAreRejectedNamingTheFile) {
  expect_rejected(tmp("does_not_exist.npy"), 2, 2, "cannot open");
  {
    std::ofstream(tmp("garbage.npy")) << "this is not numpy at all";
    expect_rejected(tmp("garbage.npy"), 2, 2, "not a .npy file");
  }
  {
    std::ofstream(tmp("empty.npy"));
    expect_rejected(tmp("empty.npy"), 2, 2, "not a .npy file");
  }
  Tensor t{3, 4, std::vector<double>(12, 1.5)};
  save_npy(tmp("ok.npy"), t);
  expect_rejected(tmp("ok.npy"), 4, 3, "shape (3, 4), expected (4, 3)");
  {
    // Same file cut short inside the data.
    std::ifstream in(tmp("ok.npy"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(tmp("short.npy"), std::ios::binary) << bytes.substr(0, bytes.size() - 9);
    expect_rejected(tmp("short.npy"), 3, 4, "truncated");
    // And with an integer dtype.
    const size_t pos = bytes.find("<f8");
    ASSERT_NE(pos, std::string::npos);
    bytes.replace(pos, 3, "<i8");
    std::ofstream(tmp("int.npy"), std::ios::binary) << bytes;
    expect_rejected(tmp("int.npy"), 3, 4, "dtype '<i8'");
  }
}
