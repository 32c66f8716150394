// Bit-exact co-simulation: the generated RTL of each config (Icarus Verilog)
// against num::Mac::mac on the same operand stream, the accumulator compared
// after every clock. ctest runs every config on the corner cases plus a bounded
// random stream; QMAC_COSIM_STEPS=100000 (scripts/cosim.sh) runs the full one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "rtl_test_util.hpp"
#include "test_tmpdir.hpp"
#include "sim/config/config.hpp"
#include "sim/rtl/cosim.hpp"
#include "sim/rtl/tools.hpp"

namespace {

using rtl_test::NamedConfig;

uint64_t random_steps() {
  const char* env = std::getenv("QMAC_COSIM_STEPS");
  return env ? std::strtoull(env, nullptr, 10) : 4000;
}

class Cosim : public ::testing::TestWithParam<NamedConfig> {};

TEST_P(Cosim, RtlMatchesNumMacEveryClock) {
  const auto cfg = rtl_test::load(GetParam());
  const auto spec = qmac::config::mac_spec(cfg);
  const auto steps = qmac::rtl::cosim_stream(spec, random_steps(), 12345);
  qmac::rtl::ScratchDir dir("qmac_cosim_");
  const auto r = qmac::rtl::cosimulate(spec, cfg.mac.pipeline_stages, steps, dir.path());
  if (r.mismatches) dir.keep();
  EXPECT_EQ(r.steps, steps.size());
  EXPECT_EQ(r.mismatches, 0u) << r.first_mismatch << " (files kept in " << dir.path() << ")";
}

INSTANTIATE_TEST_SUITE_P(Configs, Cosim, ::testing::ValuesIn(rtl_test::cosim_configs()),
                         [](const auto& info) { return info.param.name; });

// The comparison can fail: a reference with the wrong latency disagrees, and
// RTL whose rounder truncates instead of rounding to nearest is caught.
TEST(Cosim_Check, DetectsAWrongReferenceAndBrokenRtl) {
  const auto spec = qmac::config::mac_spec(rtl_test::load(rtl_test::float_acc("fp8_e4m3", "fp8_e4m3", "fp16")));
  const auto steps = qmac::rtl::cosim_stream(spec, 500, 1);
  EXPECT_NE(qmac::rtl::reference_run(spec, 1, steps), qmac::rtl::reference_run(spec, 2, steps));
  qmac::rtl::ScratchDir dir("qmac_cosim_");
  const auto broken = qmac::rtl::cosimulate(spec, 1, steps, dir.path(), "", [](qmac::rtl::Design& d) {
    auto& text = d.files.at(0).text;
    const std::string rne = "wire up = round_bit & (sticky | keep[0]);";
    const auto at = text.find(rne);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, rne.size(), "wire up = 1'b0;");
  });
  EXPECT_GT(broken.mismatches, 0u);
}

// A scratch folder is removed when done, but kept when an exception unwinds
// through it (the errors thrown inside name its logs); one made and dropped
// while another exception is already unwinding is still removed.
TEST(ScratchDir, RemovedWhenDoneKeptWhenAnErrorUnwindsThroughIt) {
  const std::string base = QMAC_TEST_TMPDIR;
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old ? old : "";
  ::setenv("TMPDIR", base.c_str(), 1);
  std::string done, failed, during;
  {
    qmac::rtl::ScratchDir d("qmac_scratch_");
    done = d.path();
    EXPECT_TRUE(std::filesystem::is_directory(done));
  }
  EXPECT_FALSE(std::filesystem::exists(done));
  try {
    qmac::rtl::ScratchDir d("qmac_scratch_");
    failed = d.path();
    throw std::runtime_error("simulated tool failure");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(std::filesystem::is_directory(failed));
  struct MakesOneWhileUnwinding {
    std::string* path;
    ~MakesOneWhileUnwinding() {
      qmac::rtl::ScratchDir d("qmac_scratch_");
      *path = d.path();
    }
  };
  try {
    MakesOneWhileUnwinding m{&during};
    throw std::runtime_error("unwinding");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(during.empty());
  EXPECT_FALSE(std::filesystem::exists(during));
  EXPECT_EQ(failed.rfind(base, 0), 0u);  // made under $TMPDIR, the test's own folder
  if (old)
    ::setenv("TMPDIR", saved.c_str(), 1);
  else
    ::unsetenv("TMPDIR");
}

}  // namespace
