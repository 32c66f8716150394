// Bad shapes, options and buffer/accumulator combinations are rejected with a
// num::SpecError or ArrayError that says what was expected.
#include <gtest/gtest.h>

#include "array_test_util.hpp"

namespace qmac::array::test {
namespace {

const Env env;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ModelError& e) {
    return e.what();
  }
  return "";
}

TEST(ValidateRun, RejectsBadInputsWithAReason) {
  const MacCase mc = mac_cases()[0];
  const num::AccumulatorSpec buf = default_output_buffer(mc.spec);
  const Gemm g = random_gemm(mc, 2, 3, 4, 1);
  const ArrayOptions o = array_of(2, 2, Dataflow::ws);
  EXPECT_NE(error_of([&] { validate_run(mc.spec, buf, 0, o, g); }).find("pipeline stages"), std::string::npos);
  EXPECT_NE(error_of([&] { validate_run(mc.spec, buf, 1, array_of(0, 2, Dataflow::ws), g); }).find("rows and cols"),
            std::string::npos);
  Gemm bad = g;
  bad.a.pop_back();
  EXPECT_NE(error_of([&] { validate_run(mc.spec, buf, 1, o, bad); }).find("expected m*k"), std::string::npos);
  bad = g;
  bad.k = 0;
  EXPECT_NE(error_of([&] { validate_run(mc.spec, buf, 1, o, bad); }).find(">= 1"), std::string::npos);
  EXPECT_NE(error_of([&] { validate_run(mc.spec, int_acc(16, num::IntOverflow::wrap), 1, o, g); }).find("narrower"),
            std::string::npos);
  const MacCase fp = mac_cases()[6];
  EXPECT_NE(error_of([&] { validate_run(fp.spec, int_acc(32, num::IntOverflow::wrap), 1, o, random_gemm(fp, 2, 3, 4, 1)); })
                .find("float buffer"),
            std::string::npos);
  bad = g;
  bad.b[5] = 0x100;  // a 9-bit code for an 8-bit format
  EXPECT_EQ(error_of([&] { validate_run(mc.spec, buf, 1, o, bad); }),
            "B code 256 at index 5 does not fit its 8-bit format");
  EXPECT_THROW(parse_dataflow("rs"), ArrayError);
  EXPECT_THROW(parse_engine("slow"), ArrayError);
  EXPECT_EQ(parse_dataflow("is"), Dataflow::is);
  EXPECT_THROW(run_gemm(mc.spec, buf, 0, o, g, Engine::fast), ArrayError);  // checked before forking
}

}  // namespace
}  // namespace qmac::array::test
