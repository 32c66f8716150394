// The sweep runner end to end through `qmac sweep`, with a stand-in for
// `qmac run` (a shell script passed as --exe) so these tests exercise the
// scheduling, results files, resume, shards and merge on their own.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fcntl.h>

#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/run_qmac.hpp"
#include "sim/sweep/runner.hpp"

namespace {

namespace fs = std::filesystem;

struct Files {
  std::string dir, fake, sweep;
};

// A fresh folder with the fake runner and a 40-point sweep (x = workload.a.seed
// 0..9 times y = workload.b.seed 1..4: real keys, since every point is
// validated as a qmac config before any runs); points with x = 7 fail while the
// folder holds a file `fail7`.
Files setup(const std::string& name) {
  Files f;
  f.dir = std::string(QMAC_TEST_TMPDIR) + "/" + name;
  fs::remove_all(f.dir);
  fs::create_directories(f.dir);
  f.fake = f.dir + "/fake_run.sh";
  std::ofstream(f.fake) << "#!/bin/bash\n"
                           "json=''; x=''; y=''\n"
                           "while [ $# -gt 0 ]; do case \"$1\" in\n"
                           "  --json) json=\"$2\"; shift 2;;\n"
                           "  --set) case \"$2\" in workload.a.seed=*) x=\"${2#workload.a.seed=}\";;\n"
                           "                    workload.b.seed=*) y=\"${2#workload.b.seed=}\";; esac; shift 2;;\n"
                           "  *) shift;; esac; done\n"
                           "sleep 0.03\n"
                           "if [ \"$x\" = 7 ] && [ -e \"$(dirname \"$0\")/fail7\" ]; then\n"
                           "  echo 'error: x=7, is not allowed' >&2; exit 2\n"
                           "fi\n"
                           "echo \"{\\\"cycles\\\": $((x*100+y)), \\\"accuracy\\\": {\\\"sqnr_db\\\": $x.5}}\" > \"$json\"\n";
  fs::permissions(f.fake, fs::perms::owner_all);
  std::ofstream(f.dir + "/fail7") << "";  // the x = 7 points fail while this file exists
  f.sweep = f.dir + "/sweep.yaml";
  std::ofstream(f.sweep) << "axes:\n  workload.a.seed: {from: 0, to: 9}\n  workload.b.seed: [1, 2, 3, 4]\n";
  return f;
}

std::string read(const std::string& path) { return slurp(path); }

TEST(Sweep_Run, WritesOneRowPerPointInOrderAndRecordsFailures) {
  const Files f = setup("basic");
  const auto r = run_qmac("sweep " + f.sweep + " -o " + f.dir + "/out.csv -j 3 --exe " + f.fake);
  EXPECT_EQ(r.code, 1) << r.err;  // the x = 7 points failed
  const std::string csv = read(f.dir + "/out.csv");
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("point,workload.a.seed,workload.b.seed,cycles,macs,", 0), 0u) << line;
  EXPECT_EQ(line.substr(line.size() - 7), ",status");
  int rows = 0, failed = 0;
  while (std::getline(in, line)) {
    EXPECT_EQ(line.rfind(std::to_string(rows) + ",", 0), 0u) << line;  // point order
    const int x = rows / 4, y = rows % 4 + 1;
    if (x == 7) {
      ++failed;
      EXPECT_NE(line.find("\"error: error: x=7, is not allowed\""), std::string::npos) << line;  // quoted: has a comma
    } else {
      EXPECT_NE(line.find("," + std::to_string(x * 100 + y) + ","), std::string::npos) << line;
      EXPECT_EQ(line.substr(line.size() - 3), ",ok") << line;
    }
    ++rows;
  }
  EXPECT_EQ(rows, 40);
  EXPECT_EQ(failed, 4);
  // JSON lines beside it, one per point.
  std::istringstream jl(read(f.dir + "/out.jsonl"));
  int jrows = 0;
  while (std::getline(jl, line)) ++jrows;
  EXPECT_EQ(jrows, 40);
  // Never overwrites: a second run without --resume is refused.
  const auto again = run_qmac("sweep " + f.sweep + " -o " + f.dir + "/out.csv --exe " + f.fake);
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;
  EXPECT_EQ(read(f.dir + "/out.csv"), csv);
}

TEST(Sweep_Run, KilledAtAnyMomentThenResumedEqualsUninterrupted) {
  const Files f = setup("kill");
  ASSERT_EQ(run_qmac("sweep " + f.sweep + " -o " + f.dir + "/ref.csv -j 2 --exe " + f.fake).code, 1);
  const std::string ref = read(f.dir + "/ref.csv");
  for (int delay_ms : {5, 120, 400, 700}) {
    const std::string out = f.dir + "/out" + std::to_string(delay_ms) + ".csv";
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 2);
      execl(QMAC_BINARY, QMAC_BINARY, "sweep", f.sweep.c_str(), "-o", out.c_str(), "-j", "2", "--exe",
            f.fake.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    ::usleep(delay_ms * 1000);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::usleep(100 * 1000);  // let orphaned point processes finish; they never touch the CSV
    const auto r = run_qmac("sweep " + f.sweep + " -o " + out + " -j 2 --resume --exe " + f.fake);
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(read(out), ref) << "killed after " << delay_ms << " ms";
    // The JSON lines hold each point exactly once too.
    std::istringstream jl(read(qmac::sweep::jsonl_path_for(out)));
    std::string line;
    std::set<size_t> points;
    int n = 0;
    while (std::getline(jl, line)) {
      ++n;
      points.insert(nlohmann::json::parse(line).at("point").get<size_t>());
    }
    EXPECT_EQ(n, 40);
    EXPECT_EQ(points.size(), 40u);
  }
  // The killed sweeps' scratch folders (their processes are gone) were removed by the resumes.
  for (const auto& e : fs::directory_iterator(f.dir))
    EXPECT_EQ(e.path().filename().string().find(".work."), std::string::npos) << e.path();
}

TEST(Sweep_Run, RetryFailedRunsOnlyTheFailedPointsAgain) {
  const Files f = setup("retry");
  const std::string out = f.dir + "/out.csv";
  ASSERT_EQ(run_qmac("sweep " + f.sweep + " -o " + out + " -j 2 --exe " + f.fake).code, 1);
  fs::remove(f.dir + "/fail7");  // the cause of the failures is fixed
  // A sweep on another node of a cluster sharing this folder: never touched.
  const std::string other = out + ".work.some-other-node.1";
  fs::create_directories(other);
  const std::string failed = read(out);
  // --resume alone keeps the recorded failures (nothing to run) and still exits 1.
  EXPECT_EQ(run_qmac("sweep " + f.sweep + " -o " + out + " --resume --exe " + f.fake).code, 1);
  EXPECT_EQ(read(out), failed);
  const auto r = run_qmac("sweep " + f.sweep + " -o " + out + " -j 2 --retry-failed --exe " + f.fake);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("[37/40]"), std::string::npos) << r.err;  // progress starts after the 36 good points
  EXPECT_EQ(r.err.find("[36/40]"), std::string::npos) << r.err;
  ASSERT_EQ(run_qmac("sweep " + f.sweep + " -o " + f.dir + "/ref.csv -j 2 --exe " + f.fake).code, 0);
  EXPECT_EQ(read(out), read(f.dir + "/ref.csv"));
  std::istringstream jl(read(qmac::sweep::jsonl_path_for(out)));
  std::string line;
  std::set<size_t> points;
  while (std::getline(jl, line)) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j.at("status"), "ok") << line;
    EXPECT_TRUE(points.insert(j.at("point").get<size_t>()).second) << line;
  }
  EXPECT_EQ(points.size(), 40u);
  EXPECT_TRUE(fs::is_directory(other));
}

TEST(Sweep_Run, ShardsMergeIntoTheFullSweep) {
  const Files f = setup("shards");
  ASSERT_EQ(run_qmac("sweep " + f.sweep + " -o " + f.dir + "/ref.csv --exe " + f.fake).code, 1);
  for (int i = 0; i < 3; ++i)
    run_qmac("sweep " + f.sweep + " -o " + f.dir + "/s" + std::to_string(i) + ".csv --shard " + std::to_string(i) +
             "/3 --exe " + f.fake);
  const auto m = run_qmac("merge " + f.dir + "/s2.csv " + f.dir + "/s0.csv " + f.dir + "/s1.csv -o " + f.dir +
                          "/merged.csv");
  ASSERT_EQ(m.code, 0) << m.err;
  EXPECT_EQ(read(f.dir + "/merged.csv"), read(f.dir + "/ref.csv"));
  // A shard of a different sweep cannot be merged in.
  std::ofstream(f.dir + "/other.csv") << "point,z,status\n0,1,ok\n";
  const auto bad = run_qmac("merge " + f.dir + "/s0.csv " + f.dir + "/other.csv -o " + f.dir + "/m2.csv");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("header differs"), std::string::npos) << bad.err;
}

TEST(Sweep_Run, ListPrintsOneCommandPerPoint) {
  const Files f = setup("list");
  const auto r = run_qmac("sweep " + f.sweep + " --list --shard 1/4");
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    EXPECT_NE(line.find(" run --set workload.a.seed="), std::string::npos) << line;
    ++n;
  }
  EXPECT_EQ(n, 10);  // points 1, 5, 9, ... of 40
  EXPECT_NE(r.out.find("--set workload.a.seed=0 --set workload.b.seed=2\n"), std::string::npos) << r.out;
  const auto bad = run_qmac("sweep " + f.sweep + " --list --shard 4/4");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--shard"), std::string::npos);
}

TEST(Sweep_Run, QerrorSweepsPassKeysAsOptions) {
  const Files f = setup("qerror");
  std::ofstream(f.dir + "/q.yaml") << "command: qerror\nset: {method: integrate}\naxes:\n  format: [int8, fp8_e4m3]\n"
                                      "  dist: [normal, 'student_t:3']\n";
  const auto r = run_qmac("sweep " + f.dir + "/q.yaml --list");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(" qerror --method integrate --format int8 --dist normal\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" qerror --method integrate --format fp8_e4m3 --dist student_t:3\n"), std::string::npos)
      << r.out;
}

}  // namespace

namespace {

// Every shipped sweep file loads, and every point of a `run`/`cost` sweep is a
// valid configuration (`qmac validate` with the point's --set list), so a typo
// in a shipped axis fails here, not in a user's sweep hours later.
TEST(Sweep_Shipped, EveryPointOfEveryShippedSweepValidates) {
  int files = 0, points = 0;
  for (const char* dir : {"/configs/sweeps", "/configs/paper"})
    for (const auto& e : fs::directory_iterator(std::string(QMAC_SOURCE_DIR) + dir)) {
      if (e.path().extension() != ".yaml") continue;
      SCOPED_TRACE(e.path().string());
      ++files;
      const auto list = run_qmac("sweep '" + e.path().string() + "' --list");
      ASSERT_EQ(list.code, 0) << list.err;
      std::istringstream in(list.out);
      std::string line;
      int n = 0;
      while (std::getline(in, line)) {
        ++n;
        // "<exe> run|cost [BASE] --set ..." -> "validate [BASE] --set ..."; qerror points take options.
        // The executable path is QMAC_BINARY (no quoting needed in the build tree).
        const std::string exe = std::string(QMAC_BINARY) + " ";
        ASSERT_EQ(line.rfind(exe, 0), 0u) << line;
        const std::string rest = line.substr(exe.size());
        if (rest.rfind("qerror ", 0) == 0) continue;
        const size_t args = rest.find(' ');
        ASSERT_NE(args, std::string::npos) << line;
        ASSERT_TRUE(rest.rfind("run ", 0) == 0 || rest.rfind("cost ", 0) == 0) << line;
        const auto v = run_qmac("validate" + rest.substr(args));
        EXPECT_EQ(v.code, 0) << line << "\n" << v.err;
        ++points;
      }
      EXPECT_GT(n, 0);
    }
  EXPECT_GE(files, 6);
  EXPECT_GT(points, 50);
}

}  // namespace
