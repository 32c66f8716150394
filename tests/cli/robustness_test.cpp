// Regression tests for the classes of failure of issue 9 (robustness), one
// or more per class, run as a user would run qmac:
//   crashes; damage outside the request; unbounded memory; silent success on
//   failure; wrong rows kept by sweeps; errors without a position or with the
//   wrong exit code.
// (The table-driven catalogue of bad inputs is bad_input_catalogue_test.cpp.)
#include <sys/stat.h>
#include "test_tmpdir.hpp"
#include <unistd.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "run_qmac.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A fresh folder for one test.
std::string folder(const std::string& name) {
  const std::string d = std::string(QMAC_TEST_TMPDIR) + "/robust_" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A float64 C-order .npy written by numpy (Debian's /usr/bin/python3).
void numpy_save(const std::string& path, const std::string& expr) {
  const std::string py = "/usr/bin/python3 -c \"import numpy as np; a = " + expr + "; np.save('" + path + "', a)\"";
  ASSERT_EQ(std::system(py.c_str()), 0) << py;
}

// ---------------------------------------------------------------- crashes

// The MSE-best scale search used to SIGSEGV when the data's squares
// overflowed or underflowed: it now works on the data divided by max |x|.
TEST(Robust_Crashes, BestScaleOfHugeAndTinyDataRuns) {
  for (const char* std_ : {"1e155", "1e-200", "1e300"}) {
    const auto r = run_qmac(std::string("run --set workload.a.std=") + std_ +
                            " --set workload.a.quantization.scale=best --json -");
    ASSERT_EQ(r.code, 0) << std_ << "\n" << r.err;
    const json j = json::parse(r.out);
    ASSERT_TRUE(j["accuracy"]["sqnr_db"].is_number()) << std_;
    EXPECT_GT(j["accuracy"]["sqnr_db"].get<double>(), 20.0) << std_;  // still an 8-bit quantisation of normal data
  }
  // Samples that overflow double are refused, naming the argument.
  auto r = run_qmac("qerror --format int8 --dist outliers:0.1:1e308 --method sample");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("argument --dist"), std::string::npos) << r.err;
  r = run_qmac("qerror --format int8 --dist outliers:0.1:1e100 --method sample --samples 10000 --json -");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::isfinite(json::parse(r.out)["bits_of_accuracy"].get<double>()));
}

// A NaN in a .npy tensor: refused by default naming the tensor and the count
// (it used to crash the scale search, or say "cannot encode NaN in int8").
TEST(Robust_Crashes, NonFiniteTensorIsNamedWithItsCount) {
  const std::string d = folder("nan_npy");
  numpy_save(d + "/a.npy", "np.ones((64, 64)); a[3, 4] = np.nan; a[5, 6] = np.inf");
  for (const char* scale : {"max", "best"}) {
    const auto r = run_qmac("run --set workload.a.distribution=npy --set workload.a.path=" + d +
                            "/a.npy --set workload.a.quantization.scale=" + scale);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("workload.a (" + d + "/a.npy)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("2 of 4096 values are 1 NaN and 1 inf"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

// nonfinite: propagate lets NaN/inf codes reach the array, and the report
// says so honestly: the reference is NaN/inf, so the SQNR is undefined (null,
// "undefined" in the table), never "inf (exact)"; a fixed accumulator drops
// them and counts them (accuracy.invalid_operands, from both engines).
TEST(Robust_Crashes, PropagatedNaNsAreReportedHonestly) {
  const std::string d = folder("propagate");
  numpy_save(d + "/a.npy", "np.random.default_rng(1).normal(size=(8, 8)); a[0, 0] = np.nan; a[2, 3] = np.inf");
  const std::string base = "run --set array.rows=4 --set array.cols=4 --set workload.gemm.m=8 --set workload.gemm.k=8 "
                           "--set workload.gemm.n=8 --set mac.a=fp8_e4m3 --set mac.b=fp8_e4m3 "
                           "--set mac.accumulator.type=fixed --set workload.a.distribution=npy --set workload.a.path=" +
                           d + "/a.npy --set workload.a.nonfinite=propagate";
  json first;
  for (const char* engine : {"fast", "pe"}) {
    const auto r = run_qmac(base + " --engine " + engine + " --json -");
    ASSERT_EQ(r.code, 0) << r.err;
    json j = json::parse(r.out);
    const auto& acc = j["accuracy"];
    EXPECT_TRUE(acc["sqnr_db"].is_null()) << acc;
    EXPECT_EQ(acc["nonfinite_reference"], 16) << acc;  // rows 0 and 2 of C (8 outputs each)
    EXPECT_EQ(acc["invalid_operands"], 16) << acc;     // 2 codes x the 8 columns they meet
    j["config"].erase("engine");
    if (first.is_null()) first = j;
    else EXPECT_EQ(j, first);  // both engines count the same
  }
  const auto text = run_qmac(base);
  EXPECT_NE(text.out.find("undefined (16 NaN/inf reference values)"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("inf (exact)"), std::string::npos) << text.out;
  // Into an integer format there is nothing to propagate as.
  const auto r = run_qmac(base + " --set mac.a=int8 --set mac.b=int8 --set mac.accumulator.type=int");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("has no NaN or inf code"), std::string::npos) << r.err;
}

TEST(Robust_Crashes, FormatsWithoutMantissaBits) {
  auto r = run_qmac("convert --format e5m0 nan");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("argument --format"), std::string::npos) << r.err;
  r = run_qmac("validate --set mac.a=fp8_e4m3 --set mac.accumulator.format=fp16 --set array.output_buffer.format=e5m0");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--set array.output_buffer.format=e5m0"), std::string::npos) << r.err;
  // The fn and fnuz conventions have their NaN without mantissa bits.
  r = run_qmac("convert --format e5m0_fn nan 3 1e30");
  ASSERT_EQ(r.code, 0) << r.err;
  // 3 is halfway between 2 (code 0x10) and 4 (0x11): the even code.
  EXPECT_EQ(r.out, "nan\t0x1f\tnan\n3\t0x10\t2\n1e30\t0x1f\tnan\n");
}

// --vcd on an unwritable path was SIGFPE inside SystemC ("status 8"); --vcd
// wave wrote wave.vcd.
TEST(Robust_Crashes, WaveformPathsAreWrittenAsGivenOrRefused) {
  const std::string d = folder("vcd");
  const std::string small = "run --set array.rows=2 --set array.cols=2 --set workload.gemm.m=4 --set workload.gemm.k=4 "
                            "--set workload.gemm.n=4";
  auto r = run_qmac(small + " --vcd " + d + "/no/such/dir/w.vcd");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(d + "/no/such/dir/w.vcd"), std::string::npos) << r.err;
  r = run_qmac(small + " --vcd " + d + "/wave");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(d + "/wave"));
  EXPECT_FALSE(fs::exists(d + "/wave.vcd"));
  EXPECT_EQ(slurp(d + "/wave").rfind("$date", 0), 0u);
  EXPECT_EQ(std::vector<fs::path>(fs::directory_iterator(d), {}).size(), 1u);  // no temporaries left
}

// ------------------------------------------------ damage outside the request

// --json replaced whatever was at PATH with a new regular file: a FIFO or a
// symbolic link became a regular file (as root, /dev/null did too).
TEST(Robust_Damage, OnlyRegularFilesAreReplaced) {
  const std::string d = folder("json_targets");
  // A symbolic link stays a link; its target is written.
  write(d + "/target.json", "old");
  fs::create_symlink(d + "/target.json", d + "/link.json");
  auto r = run_qmac("cost --json " + d + "/link.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(d + "/link.json"));
  EXPECT_NE(slurp(d + "/target.json").find("\"mac_gates\""), std::string::npos);
  // A FIFO is written in place (a reader gets the JSON) and stays a FIFO.
  ASSERT_EQ(::mkfifo((d + "/fifo").c_str(), 0644), 0);
  std::string got;
  std::thread reader([&] { got = slurp(d + "/fifo"); });
  r = run_qmac("cost --json " + d + "/fifo");
  reader.join();
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_fifo(d + "/fifo"));
  EXPECT_NE(got.find("\"mac_gates\""), std::string::npos) << got;
  // A character device (/dev/full: written in place, so the write fails).
  r = run_qmac("cost --json /dev/full");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("/dev/full"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
  // A directory is refused.
  r = run_qmac("cost --json " + d);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
}

// An existing regular file is replaced only when the new content is complete:
// a run that fails leaves it as it was, and keeps its permissions.
TEST(Robust_Damage, AFailedRunLeavesTheOldResultsAlone) {
  const std::string d = folder("keep_old");
  write(d + "/out.json", "previous results\n");
  ::chmod((d + "/out.json").c_str(), 0600);
  auto r = run_qmac("run --set workload.gemm.m=0 --json " + d + "/out.json");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(slurp(d + "/out.json"), "previous results\n");
  // A run that fails after the output was opened (the VCD cannot be written).
  r = run_qmac("run --vcd " + d + "/missing/w.vcd --json " + d + "/out.json");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(slurp(d + "/out.json"), "previous results\n");
  r = run_qmac("run --json " + d + "/out.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(slurp(d + "/out.json").find("\"cycles\""), std::string::npos);
  EXPECT_EQ(fs::status(d + "/out.json").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(std::vector<fs::path>(fs::directory_iterator(d), {}).size(), 1u);
}

// --save-tensors created a chain of missing folders anywhere.
TEST(Robust_Damage, SaveTensorsCreatesOnlyItsOwnFolder) {
  const std::string d = folder("tensors");
  auto r = run_qmac("run --save-tensors " + d + "/a/b/c");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("parent folder"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d + "/a"));
  r = run_qmac("run --save-tensors " + d + "/t");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* f : {"a.npy", "b.npy", "c.npy"}) EXPECT_TRUE(fs::exists(d + "/t/" + f)) << f;
}

// Temporaries of killed runs (TARGET.tmp.HOST.PID, no such process) are removed
// by the next write to the same target; a live process's temporary is not.
TEST(Robust_Damage, StaleTemporariesAreCleanedUp) {
  const std::string d = folder("stale_tmp");
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::string h(host);
  for (char& c : h)
    if (c == '.' || c == '/') c = '_';
  const std::string dead = d + "/out.json.tmp." + h + ".999999999";  // beyond pid_max
  const std::string live = d + "/out.json.tmp." + h + "." + std::to_string(::getpid());
  write(dead, "half a file");
  write(live, "being written");
  const auto r = run_qmac("cost --json " + d + "/out.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live));
}

// -------------------------------------------------------- unbounded memory

TEST(Robust_Memory, SizesFromInputAreBoundedBeforeAllocating) {
  const std::string d = folder("bounds");
  // The pe engine: a module per PE (1024 x 1024 climbed past 6 GB).
  auto r = run_qmac("run --engine pe --set array.rows=1024 --set array.cols=1024");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("at most 65536 PEs"), std::string::npos) << r.err;
  r = run_qmac("validate --set engine=pe --set array.rows=4096 --set array.cols=4096");
  EXPECT_EQ(r.code, 2);
  r = run_qmac("run --vcd " + d + "/w.vcd --set array.rows=512 --set array.cols=512");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("argument --vcd"), std::string::npos) << r.err;
  // A .npy header that claims 2 GB.
  std::string npy = std::string("\x93NUMPY\x02\x00", 8) + std::string("\x00\x00\x00\x80", 4) + "{'descr': '<f8'";
  write(d + "/huge.npy", npy);
  r = run_qmac("validate --set workload.a.distribution=npy --set workload.a.path=" + d + "/huge.npy");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("limit"), std::string::npos) << r.err;
  // A config that never ends.
  r = run_qmac("validate /dev/zero");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("16 MiB"), std::string::npos) << r.err;
  // Sweep ranges at the 64-bit limits.
  write(d + "/big.yaml", "axes:\n  workload.a.seed: {from: 9223372036854775800, to: 9223372036854775807}\n");
  r = run_qmac("sweep " + d + "/big.yaml --list");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("workload.a.seed=9223372036854775807\n"), std::string::npos) << r.out;
  write(d + "/wide.yaml", "axes:\n  workload.a.seed: {from: -9223372036854775808, to: 9223372036854775807}\n");
  r = run_qmac("sweep " + d + "/wide.yaml --list");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("over 100000 values"), std::string::npos) << r.err;
  r = run_qmac("qerror --format int8 --dist normal --method sample --samples 1000000000000");
  EXPECT_EQ(r.code, 2);
}

// ------------------------------------------------- silent success on failure

TEST(Robust_Writes, FailedWritesExitOneNamingThePath) {
  const std::string d = folder("writes");
  // Standard output on a full device.
  const int full = std::system(("SC_COPYRIGHT_MESSAGE=DISABLE '" + std::string(QMAC_BINARY) + "' formats > /dev/full 2> '" +
                                d + "/full.txt'").c_str());
  EXPECT_EQ(WIFEXITED(full) ? WEXITSTATUS(full) : -1, 1);
  EXPECT_NE(slurp(d + "/full.txt").find("standard output: No space left on device"), std::string::npos)
      << slurp(d + "/full.txt");
  auto r = run_qmac("run --set array.rows=2 --set array.cols=2 --vcd /dev/full");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("waveform"), std::string::npos) << r.err;
  // A file-size limit (ulimit -f, 1 block of 512 bytes): the JSON is larger.
  const std::string cmd = "ulimit -f 1; SC_COPYRIGHT_MESSAGE=DISABLE '" + std::string(QMAC_BINARY) + "' run --json '" +
                          d + "/big.json' > /dev/null 2> '" + d + "/err.txt'";
  const int status = std::system(("bash -c \"" + cmd + "\"").c_str());
  EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 1);
  EXPECT_NE(slurp(d + "/err.txt").find(d + "/big.json: File too large"), std::string::npos) << slurp(d + "/err.txt");
  EXPECT_FALSE(fs::exists(d + "/big.json"));
}

// Commands that work for long (a network, an accumulator search, a sampled
// error, synthesis) open their --json file before the work: an unwritable path
// is exit 1 naming it, with nothing on stdout.
TEST(Robust_Writes, LongCommandsFailOnAnUnwritableJsonPathFirst) {
  const std::string d = folder("json_first");
  write(d + "/t.csv", "Layer, M, N, K,\nl1, 4, 4, 4,\nl2, 2, 3, 5,\n");
  const std::string bad = d + "/no_such_folder/out.json";
  for (const std::string& cmd : std::vector<std::string>{
           "run --topology " + d + "/t.csv", "run --topology " + d + "/t.csv --engine analytic",
        "minacc --topology " + d + "/t.csv --formats int8 --kinds int", std::string("run --engine analytic"),
        std::string("qerror --format int8 --dist normal --method sample --samples 1000")}) {
    SCOPED_TRACE(cmd);
    const auto r = run_qmac(cmd + " --json " + bad);
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find("cannot write " + bad), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_FALSE(fs::exists(d + "/no_such_folder"));
  // Before the work: synthesis would first make --keep's folder and run Yosys;
  // the JSON path fails before either.
  const auto r = run_qmac("synth --keep " + d + "/kept --json " + bad);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot write " + bad), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d + "/kept"));
}

// ----------------------------------------------------------- wrong rows kept

TEST(Robust_Sweeps, ResumeRefusesResultsOfAnotherDefinition) {
  const std::string d = folder("resume");
  const std::string sweep = d + "/s.yaml";
  write(sweep, "set: {workload.gemm.m: 4, workload.gemm.k: 4, workload.gemm.n: 4}\naxes:\n  workload.a.seed: [1, 2]\n");
  ASSERT_EQ(run_qmac("sweep " + sweep + " -o " + d + "/out.csv -j 1").code, 0);
  const std::string csv = slurp(d + "/out.csv");
  // The axes changed: refused, the results untouched.
  write(sweep, "set: {workload.gemm.m: 4, workload.gemm.k: 4, workload.gemm.n: 4}\naxes:\n  workload.a.seed: [1, 3]\n");
  auto r = run_qmac("sweep " + sweep + " -o " + d + "/out.csv --resume");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("different sweep definition"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(d + "/out.csv"), csv);
  // `set:` changed: refused too.
  write(sweep, "set: {workload.gemm.m: 8, workload.gemm.k: 4, workload.gemm.n: 4}\naxes:\n  workload.a.seed: [1, 2]\n");
  EXPECT_EQ(run_qmac("sweep " + sweep + " -o " + d + "/out.csv --resume").code, 2);
  // The same definition resumes (nothing to do).
  write(sweep, "set: {workload.gemm.m: 4, workload.gemm.k: 4, workload.gemm.n: 4}\naxes:\n  workload.a.seed: [1, 2]\n");
  r = run_qmac("sweep " + sweep + " -o " + d + "/out.csv --resume");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(d + "/out.csv"), csv);
  // A row of a point this sweep does not have (point 1's row, renumbered 5).
  const std::string last_row = csv.substr(csv.rfind('\n', csv.size() - 2) + 1);
  write(d + "/out.csv", csv + "5" + last_row.substr(last_row.find(',')));
  r = run_qmac("sweep " + sweep + " -o " + d + "/out.csv --resume");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("out.csv:4: point 5 is not a point of this sweep"), std::string::npos) << r.err;
}

TEST(Robust_Sweeps, MergeRefusesATornLastLine) {
  const std::string d = folder("merge_torn");
  write(d + "/a.csv", "point,x,status\n0,1,ok\n1,2,o");
  const auto r = run_qmac("merge " + d + "/a.csv -o " + d + "/m.csv");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("a.csv:3: the last line is torn"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d + "/m.csv"));
}

// ------------------------------------------ errors with position and exit code

TEST(Robust_Errors, SweepAxisTyposFailUpFrontAtTheAxisKey) {
  const std::string d = folder("axis_typo");
  write(d + "/s.yaml", "set:\n  workload.gemm.m: 8\naxes:\n  mac.accumulator.widht: [16, 20]\n");
  const auto r = run_qmac("sweep " + d + "/s.yaml -o " + d + "/out.csv");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(d + "/s.yaml:4:3: point 0: mac.accumulator.widht: unknown key 'widht'; did you mean 'width'?"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(d + "/out.csv"));  // nothing ran, nothing was written
}

TEST(Robust_Errors, TheAccumulatorWidthRuleIsOne) {
  // uint8 x uint8 products (up to 65025) need 16 magnitude bits and a sign bit.
  for (const char* w : {"15", "16"}) {
    const auto r = run_qmac(std::string("validate --set mac.a=uint8 --set mac.b=uint8 --set mac.accumulator.width=") + w);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("expected a width of at least 17"), std::string::npos) << r.err;
  }
  EXPECT_EQ(run_qmac("validate --set mac.a=uint8 --set mac.b=uint8 --set mac.accumulator.width=17").code, 0);
  // The error points at a key the file has (mac.a), not at the absent width.
  const std::string d = folder("width_rule");
  write(d + "/c.yaml", "mac: {a: int32, b: int32}\n");
  const auto r = run_qmac("validate " + d + "/c.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(d + "/c.yaml:1:10: mac.a:"), std::string::npos) << r.err;
}

TEST(Robust_Errors, LongNpyHeadersAreValid) {
  // numpy writes a header longer than 127 bytes for long shapes or when
  // asked; xtensor's reader sign-extended its length and refused the file.
  const std::string d = folder("long_header");
  const std::string py =
      "/usr/bin/python3 -c \"import numpy as np, numpy.lib.format as f; a = np.arange(64 * 64, dtype=np.float64)"
      ".reshape(64, 64); h = {'descr': '<f8', 'fortran_order': False, 'shape': (64, 64)}; "
      "fh = open('" + d + "/long.npy', 'wb'); f._write_array_header(fh, dict(h, **{}), version=(1, 0)) if False else None; "
      "s = repr(h) + ' ' * 150; s += ' ' * ((64 - (10 + len(s) + 1) % 64) % 64) + chr(10); "
      "import struct; fh.write(b'\\\\x93NUMPY\\\\x01\\\\x00' + struct.pack('<H', len(s)) + s.encode()); "
      "fh.write(a.tobytes()); fh.close(); assert (np.load('" + d + "/long.npy') == a).all()\"";
  ASSERT_EQ(std::system(py.c_str()), 0) << py;
  const auto r = run_qmac("run --set workload.a.distribution=npy --set workload.a.path=" + d + "/long.npy --json -");
  ASSERT_EQ(r.code, 0) << r.err;
}

}  // namespace
