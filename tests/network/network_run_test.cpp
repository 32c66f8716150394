// `qmac run` on a topology, end to end: every layer is the same simulation as a
// single-GEMM run, totals are the stated sums, overrides follow the stated
// order, and bad input is a file:line:column error.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <cmath>

#include "models/array/array.hpp"
#include "network_util.hpp"
#include "sim/run/network.hpp"

using nlohmann::json;
using qmac::net_test::run_error;
using qmac::net_test::run_json;
using qmac::net_test::temp_file;

namespace {

const std::string kArray = "--set array.rows=8 --set array.cols=8 ";

}  // namespace

TEST(NetworkRun_Layer, IsTheSameSimulationAsTheGemmRunAlone) {
  // A one-layer topology and `qmac run` of the same GEMM with the layer's seeds:
  // identical cycles, accuracy, activity and cost, in every dataflow and precision.
  const std::string topo = temp_file("one.yaml", "layers:\n  - {name: only, gemm: {m: 21, k: 37, n: 13}}\n");
  const std::string seeds = "--set workload.a.seed=" + std::to_string(qmac::run::layer_seed(1, 0)) +
                            " --set workload.b.seed=" + std::to_string(qmac::run::layer_seed(2, 0));
  for (const std::string prec : {"", "--set mac.a=fp8_e4m3 --set mac.b=fp8_e4m3 --set mac.accumulator.format=fp16 "}) {
    for (const char* df : {"ws", "os", "is"}) {
      const std::string common = kArray + prec + "--set array.dataflow=" + df + " ";
      const json net = run_json(common + "--topology " + topo);
      const json one = run_json(common + seeds + " --set workload.gemm.m=21 --set workload.gemm.k=37 "
                                                 "--set workload.gemm.n=13");
      ASSERT_EQ(net["layers"].size(), 1u);
      const json& l = net["layers"][0];
      EXPECT_EQ(l["gemm"], one["gemm"]);
      for (const char* k : {"cycles", "macs", "folds", "utilization"}) EXPECT_EQ(l[k], one[k]) << k << " " << df;
      for (const char* k : {"sqnr_db", "max_abs_error", "overflows", "sqnr_db_vs_dequantized", "nonfinite_outputs"})
        EXPECT_EQ(l["accuracy"][k], one["accuracy"][k]) << k << " " << df;
      EXPECT_EQ(l["cost"], one["cost"]) << df;
      EXPECT_EQ(l["data"]["a"], one["config"]["workload"]["a"]);
      // The totals of one layer are that layer.
      for (const char* k : {"cycles", "macs", "folds", "utilization"}) EXPECT_EQ(net[k], one[k]) << k;
      EXPECT_EQ(net["accuracy"]["sqnr_db"], one["accuracy"]["sqnr_db"]);
      EXPECT_EQ(net["cost"]["energy_pj"], one["cost"]["energy_pj"]);
      EXPECT_EQ(net["cost"]["area_um2"], one["cost"]["area_um2"]);
    }
  }
}

TEST(NetworkRun_Totals, AreTheStatedSumsOverLayersAndRepeats) {
  const std::string topo = temp_file(
      "three.yaml",
      "name: three\n"
      "layers:\n"
      "  - name: conv\n"
      "    conv: {ifmap: 9, channels: 4, filter: 3, filters: 6, stride: 2, padding: 1}\n"
      "  - name: dw\n"
      "    conv: {ifmap: 5, channels: 6, filter: 3, filters: 6, padding: 1}\n"
      "    groups: 6\n"
      "  - name: heads\n"
      "    gemm: {m: 10, k: 8, n: 10}\n"
      "    groups: 3\n"
      "    repeat: 4\n");
  const json j = run_json(kArray + "--topology " + topo);
  ASSERT_EQ(j["layers"].size(), 3u);
  EXPECT_EQ(j["topology"]["name"], "three");
  EXPECT_EQ(j["topology"]["format"], "yaml");
  qmac::array::ArrayOptions o;
  o.rows = o.cols = 8;
  uint64_t cycles = 0, macs = 0, folds = 0;
  double energy = 0, nsr = 0, area = 0, worst = 1e300;
  for (const json& l : j["layers"]) {
    const int m = l["gemm"]["m"], k = l["gemm"]["k"], n = l["gemm"]["n"], g = l["groups"];
    const uint64_t rep = l["repeat"];
    // Every group is one GEMM on the array: the closed form (= SCALE-Sim's compute cycles) per group.
    EXPECT_EQ(l["cycles"].get<uint64_t>(), g * qmac::array::cycle_formula(o, m, k, n, 1)) << l["name"];
    EXPECT_EQ(l["folds"].get<uint64_t>(), g * qmac::array::fold_count(o, m, k, n));
    EXPECT_EQ(l["macs"].get<uint64_t>(), uint64_t(m) * k * n * g);
    cycles += rep * l["cycles"].get<uint64_t>();
    macs += rep * l["macs"].get<uint64_t>();
    folds += rep * l["folds"].get<uint64_t>();
    energy += double(rep) * l["cost"]["energy_pj"].get<double>();
    const double s = l["accuracy"]["sqnr_db"];
    nsr += double(rep) * std::pow(10.0, -s / 10);
    worst = std::min(worst, s);
    area = std::max(area, l["cost"]["area_um2"].get<double>());
  }
  EXPECT_EQ(j["layers"][0]["gemm"]["m"], 25);  // 5 x 5 ofmap
  EXPECT_EQ(j["layers"][1]["gemm"]["k"], 9);   // depthwise: one channel's 3 x 3 window
  EXPECT_EQ(j["cycles"].get<uint64_t>(), cycles);
  EXPECT_EQ(j["macs"].get<uint64_t>(), macs);
  EXPECT_EQ(j["topology"]["macs"].get<uint64_t>(), macs);
  EXPECT_EQ(j["folds"].get<uint64_t>(), folds);
  EXPECT_DOUBLE_EQ(j["utilization"].get<double>(), double(macs) / (double(cycles) * 64));
  EXPECT_NEAR(j["cost"]["energy_pj"].get<double>(), energy, 1e-9 * energy);
  EXPECT_DOUBLE_EQ(j["cost"]["area_um2"].get<double>(), area);
  EXPECT_DOUBLE_EQ(j["cost"]["pj_per_mac"].get<double>(), j["cost"]["energy_pj"].get<double>() / double(macs));
  EXPECT_DOUBLE_EQ(j["cost"]["tops_per_w"].get<double>(), 2.0 * double(macs) / j["cost"]["energy_pj"].get<double>());
  EXPECT_NEAR(j["accuracy"]["sqnr_db"].get<double>(), -10 * std::log10(nsr), 1e-9);
  EXPECT_DOUBLE_EQ(j["accuracy"]["min_layer_sqnr_db"].get<double>(), worst);
  // 1 GHz (configs/tech/45nm.yaml): seconds are clocked cycles / 1e9, EDP = energy * seconds.
  EXPECT_GT(j["cost"]["seconds"].get<double>(), 0);
  EXPECT_DOUBLE_EQ(j["cost"]["edp_pj_s"].get<double>(),
                   j["cost"]["energy_pj"].get<double>() * j["cost"]["seconds"].get<double>());
  // The table shows every layer and the totals.
  const auto r = run_qmac("run " + kArray + "--topology " + topo);
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* s : {"conv", "dw", "heads", "10x8x10 *3 (x4)", "total", "network SQNR"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
}

TEST(NetworkRun_Data, LayersDrawDifferentSeededNumbers) {
  const std::string topo = temp_file("twins.yaml",
                                     "layers:\n  - {name: a, gemm: {m: 16, k: 32, n: 8}}\n"
                                     "  - {name: b, gemm: {m: 16, k: 32, n: 8}}\n");
  const json j = run_json(kArray + "--topology " + topo);
  const json k = run_json(kArray + "--topology " + topo);
  EXPECT_EQ(j, k);  // reproducible
  EXPECT_NE(j["layers"][0]["data"]["a"]["seed"], j["layers"][1]["data"]["a"]["seed"]);
  EXPECT_NE(j["layers"][0]["accuracy"]["sqnr_db"], j["layers"][1]["accuracy"]["sqnr_db"]);
}

TEST(NetworkRun_Overrides, TopologyThenCommandLineThenPolicy) {
  // The topology's defaults and a layer's `set` override the config file; --set
  // overrides the topology; a policy rule overrides everything.
  const std::string topo = temp_file("ov.yaml",
                                     "defaults: {mac.accumulator.width: 24}\n"
                                     "layers:\n"
                                     "  - {name: a, gemm: {m: 4, k: 8, n: 4}}\n"
                                     "  - {name: b, gemm: {m: 4, k: 8, n: 4}, set: {mac.accumulator.width: 20}}\n");
  json j = run_json(kArray + "--topology " + topo);
  EXPECT_EQ(j["layers"][0]["precision"]["accumulator"], "int24 (wrap)");
  EXPECT_EQ(j["layers"][1]["precision"]["accumulator"], "int20 (wrap)");
  j = run_json(kArray + "--topology " + topo + " --set mac.accumulator.width=28");
  EXPECT_EQ(j["layers"][0]["precision"]["accumulator"], "int28 (wrap)");
  EXPECT_EQ(j["layers"][1]["precision"]["accumulator"], "int28 (wrap)");
  j = run_json(kArray + "--topology " + topo + " --set mac.accumulator.width=28 --set "
               "'policy={rules: [{layers: b, set: {mac.accumulator.width: 30}}]}'");
  EXPECT_EQ(j["layers"][0]["precision"]["accumulator"], "int28 (wrap)");
  EXPECT_EQ(j["layers"][1]["precision"]["accumulator"], "int30 (wrap)");
}

TEST(NetworkRun_Config, TopologyKeysAndTheirErrors) {
  const std::string topo = temp_file("cfg_net.csv", "Layer, M, N, K,\nfc,4,4,8,\n");
  // workload.topology in a file is relative to the file; --topology replaces the file's GEMM.
  const std::string cfg = temp_file("cfg_net.yaml", "array: {rows: 8, cols: 8}\nworkload:\n  topology: cfg_net.csv\n");
  json j = run_json(cfg);
  EXPECT_EQ(j["config"]["workload"]["topology"], topo);
  EXPECT_FALSE(j["config"]["workload"].contains("gemm"));
  EXPECT_EQ(j["topology"]["format"], "scalesim_gemm");
  const std::string with_gemm = temp_file("cfg_gemm.yaml", "workload:\n  gemm: {m: 8, k: 8, n: 8}\n");
  j = run_json(with_gemm + " --topology " + topo);
  EXPECT_EQ(j["layers"][0]["gemm"]["k"], 8);
  EXPECT_EQ(run_error(with_gemm + " --set workload.topology=" + topo),
            "qmac run: error: " + with_gemm + ":2:3: workload.gemm: does not apply with workload.topology (every "
            "layer has its own shape); expected no workload.gemm (`qmac run --topology FILE` replaces it)");
  EXPECT_EQ(run_error("--set 'policy={rules: []}'"),
            "qmac run: error: --set policy={rules: []}: policy: applies to the layers of a topology; expected "
            "workload.topology with it");
  EXPECT_EQ(run_error("--topology " + topo + " --vcd x.vcd"),
            "qmac run: error: argument --vcd: waveforms trace one GEMM; expected no --vcd / trace.vcd with a topology "
            "(run one layer's shape as a single GEMM to trace it)");
  EXPECT_EQ(run_error("--topology /nonexistent/net.csv"),
            "qmac run: error: --set workload.topology='/nonexistent/net.csv': workload.topology: file "
            "'/nonexistent/net.csv' does not exist; expected a topology: a SCALE-Sim CSV, a .yaml file or a shipped "
            "network");
  // Shipped networks and policies by name.
  EXPECT_EQ(run_error("--topology resnet5").substr(0, 172),
            "qmac run: error: --set workload.topology='resnet5': workload.topology: 'resnet5' is not a shipped name; did "
            "you mean 'resnet50'? expected a topology: a SCALE-Sim CSV, a .ya");
  const auto named = run_qmac("validate --topology bert_base --set policy=w8a16_outliers");
  EXPECT_EQ(named.code, 0) << named.err;
  EXPECT_NE(named.out.find("/configs/networks/bert_base.yaml, engine fast, 8 layers"), std::string::npos) << named.out;
  // --print-config of a network config loads back to the same config.
  const auto printed = run_qmac("run " + cfg + " --set 'policy={name: p, rules: [{layers: \"f*\", when: {measure: "
                                "kurtosis, tensor: a, above: 5}, set: {mac.a: int16}}]}' --print-config");
  ASSERT_EQ(printed.code, 0) << printed.err;
  const std::string again = temp_file("printed.yaml", printed.out);
  const auto reprinted = run_qmac("run " + again + " --print-config");
  EXPECT_EQ(reprinted.out, printed.out);
}

TEST(NetworkRun_Errors, LayerOverridesPointIntoTheTopology) {
  const std::string topo = temp_file("bad_set.yaml",
                                     "layers:\n"
                                     "  - {name: fine, gemm: {m: 4, k: 4, n: 4}}\n"
                                     "  - name: broken\n"
                                     "    gemm: {m: 4, k: 4, n: 4}\n"
                                     "    set:\n"
                                     "      mac.accumulator.width: 300\n");
  EXPECT_EQ(run_error("--topology " + topo),
            "qmac run: error: " + topo + ":6:30: mac.accumulator.width: 300 is out of range; expected an integer in "
            "2..64 (in layer 'broken', " + topo + ":3)");
  const std::string topo2 = temp_file("bad_key.yaml",
                                      "layers:\n"
                                      "  - name: x\n"
                                      "    gemm: {m: 4, k: 4, n: 4}\n"
                                      "    set: {mac.accumulatr.width: 20}\n");
  EXPECT_EQ(run_error("--topology " + topo2),
            "qmac run: error: " + topo2 + ":4:11: mac.accumulatr: unknown key 'accumulatr'; did you mean "
            "'accumulator'? expected one of: a, b, accumulator, fused, pipeline_stages (in layer 'x', " + topo2 + ":2)");
  // A combination the hardware cannot build, caused by the layer: named at the layer's value.
  const std::string topo3 = temp_file("bad_combo.yaml",
                                      "layers:\n"
                                      "  - name: y\n"
                                      "    gemm: {m: 4, k: 4, n: 4}\n"
                                      "    set: {mac.accumulator.type: int, mac.a: fp8_e4m3}\n");
  EXPECT_EQ(run_error("--topology " + topo3),
            "qmac run: error: " + topo3 + ":4:33: mac.accumulator.type: an integer accumulator cannot add the "
            "products of fp8_e4m3 x int8; expected a float or fixed accumulator for floating-point operands (in layer 'y', " +
                topo3 + ":2)");
  // A CSV's bad row, through qmac run.
  const std::string csv = temp_file("bad.csv", "Layer, M, N, K,\nfc,4,4,8,\nfc2,4,x,8,\n");
  EXPECT_EQ(run_error("--topology " + csv),
            "qmac run: error: " + csv + ":3:7: column 'N' (3): 'x' is not an integer; expected a positive integer");
}

TEST(NetworkRun_Validate, ChecksEveryLayerWithoutRunning) {
  const auto ok = run_qmac("validate --set workload.topology=" + std::string(QMAC_SOURCE_DIR) +
                           "/configs/networks/resnet50.yaml");
  EXPECT_EQ(ok.code, 0) << ok.err;
  // He et al. 2016, Table 1: ResNet-50 is 3.8 x 10^9 multiply-adds (convolutions and the fc).
  EXPECT_NE(ok.out.find(", 54 layers, 3857973248 MACs"), std::string::npos) << ok.out;
  const std::string topo = temp_file("val_bad.yaml",
                                     "layers:\n  - {name: a, gemm: {m: 4, k: 4, n: 4}}\n"
                                     "  - {name: b, gemm: {m: 4, k: 4, n: 4}, set: {mac.b: e4m3x}}\n");
  const auto bad = run_qmac("validate --set workload.topology=" + topo);
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err.rfind("qmac validate: error: " + topo + ":3:54: mac.b: unknown format 'e4m3x'", 0), 0u) << bad.err;
}

TEST(NetworkRun_Data, TheTopologysDataModelReplacesTheDistributionNotTheQuantization) {
  const std::string topo = temp_file("data.yaml",
                                     "data: {a: {distribution: uniform, low: -1, high: 1}}\n"
                                     "layers:\n"
                                     "  - {name: u, gemm: {m: 8, k: 8, n: 8}}\n"
                                     "  - name: o\n"
                                     "    gemm: {m: 8, k: 8, n: 8}\n"
                                     "    data: {a: {distribution: outliers, fraction: 0.25, magnitude: 5, seed: 9}}\n");
  const std::string cfg = temp_file("data_cfg.yaml",
                                    "workload:\n  a: {distribution: normal, mean: 0.5, std: 2, quantization: {scale: best}}\n");
  const json j = run_json(cfg + " " + kArray + "--topology " + topo);
  const json& u = j["layers"][0]["data"]["a"];
  const json& o = j["layers"][1]["data"]["a"];
  EXPECT_EQ(u["distribution"], "uniform");
  EXPECT_FALSE(u.contains("mean"));  // the config's normal parameters went with its distribution
  EXPECT_EQ(u["quantization"]["scale"], "best");  // its quantisation stayed
  EXPECT_EQ(o["distribution"], "outliers");
  EXPECT_EQ(o["magnitude"], 5.0);
  EXPECT_EQ(o["quantization"]["scale"], "best");
  EXPECT_EQ(o["seed"], qmac::run::layer_seed(9, 1));  // a layer's seed is mixed with its index too
}

TEST(NetworkRun_Jobs, LayersInParallelGiveTheSameJsonAndTheSameErrors) {
  const std::string topo = temp_file("jobs.yaml",
                                     "layers:\n"
                                     "  - {name: a, gemm: {m: 12, k: 20, n: 8}}\n"
                                     "  - {name: b, conv: {ifmap: 6, channels: 4, filter: 3, filters: 4, padding: 1}, groups: 4}\n"
                                     "  - {name: c, gemm: {m: 5, k: 9, n: 7}, repeat: 3}\n"
                                     "  - {name: d, gemm: {m: 30, k: 8, n: 8}, set: {mac.a: fp8_e4m3, mac.b: fp8_e4m3}}\n");
  const json one = run_json(kArray + "--topology " + topo);
  const json three = run_json(kArray + "--topology " + topo + " -j 3");
  EXPECT_EQ(one, three);
  // A layer whose data cannot be read fails the run the same way with workers.
  const std::string npy = temp_file("jobs_bad.npy", "not an npy file");
  const std::string bad = temp_file("jobs_bad.yaml",
                                    "layers:\n"
                                    "  - {name: a, gemm: {m: 4, k: 4, n: 4}}\n"
                                    "  - {name: b, gemm: {m: 4, k: 4, n: 4}, data: {a: {distribution: npy, path: "
                                    "jobs_bad.npy}}}\n");
  const std::string e1 = run_error("--topology " + bad);
  const std::string e2 = run_error("--topology " + bad + " -j 2");
  EXPECT_EQ(e1, e2);
  EXPECT_NE(e1.find(npy), std::string::npos) << e1;
  EXPECT_EQ(run_error("-j 2"), "qmac run: error: argument --jobs: applies to a topology's layers; expected --topology with it");
}

TEST(NetworkRun_Data, RealTensorsFromNpyThroughTheLoweringAndTheArray) {
  // Integers in [-127, 127] with 127 present: INT8 scales of exactly 1, so every
  // code is the value and the INT32 accumulation is exact -- the output must
  // equal FP64 of the convolution exactly (SQNR +inf: null, max error 0).
  namespace wl = qmac::workload;
  const int h = 7, w = 6, c = 4, f = 6;
  wl::Tensor ifmap{h * w, c, {}};
  for (int i = 0; i < h * w * c; ++i) ifmap.values.push_back(double((i * 37) % 255 - 127));
  wl::Tensor weights{3 * 3 * c / 2, f, {}};  // 2 groups: K = 3*3*2 per group, N = 6 filters in all
  for (int i = 0; i < weights.rows * weights.cols; ++i) weights.values.push_back(double((i * 91) % 255 - 127));
  const std::string dir = std::string(QMAC_TEST_TMPDIR);
  wl::save_npy(dir + "/ifmap.npy", ifmap);
  wl::save_npy(dir + "/weights.npy", weights);
  const std::string topo = temp_file("npy.yaml",
                                     "layers:\n"
                                     "  - name: real\n"
                                     "    conv: {ifmap: [7, 6], channels: 4, filter: 3, filters: 6, padding: 1}\n"
                                     "    groups: 2\n"
                                     "    data: {a: {distribution: npy, path: ifmap.npy}, b: {distribution: npy, path: "
                                     "weights.npy}}\n");
  const json j = run_json(kArray + "--topology " + topo);
  const json& l = j["layers"][0];
  EXPECT_EQ(l["gemm"]["m"], 42);
  EXPECT_EQ(l["gemm"]["k"], 18);
  EXPECT_EQ(l["gemm"]["n"], 3);
  EXPECT_TRUE(l["accuracy"]["sqnr_db"].is_null()) << l["accuracy"];
  EXPECT_EQ(l["accuracy"]["max_abs_error"], 0.0);
  EXPECT_EQ(l["accuracy"]["nonfinite_outputs"], 0);
  // The wrong shape is an error naming the file.
  const std::string bad = temp_file("npy_bad.yaml",
                                    "layers:\n  - name: x\n    gemm: {m: 5, k: 5, n: 5}\n"
                                    "    data: {a: {distribution: npy, path: ifmap.npy}}\n");
  EXPECT_NE(run_error("--topology " + bad).find(dir + "/ifmap.npy"), std::string::npos);
}

TEST(NetworkRun_Memory, EveryLayerHasTheSameMemoryAsItsGemmRunAloneAndTheTotalsSumThem) {
  const std::string mem = "--set memory.model=scratchpad --set memory.sram_kib.a=1 --set memory.sram_kib.b=1 "
                          "--set memory.dram.bandwidth=4 ";
  const std::string topo = temp_file("mem.yaml",
                                     "layers:\n"
                                     "  - {name: a, gemm: {m: 40, k: 50, n: 30}}\n"
                                     "  - {name: b, gemm: {m: 20, k: 24, n: 16}, groups: 3, repeat: 2}\n");
  const json net = run_json(kArray + mem + "--topology " + topo);
  const std::string seeds = "--set workload.a.seed=" + std::to_string(qmac::run::layer_seed(1, 0)) +
                            " --set workload.b.seed=" + std::to_string(qmac::run::layer_seed(2, 0));
  const json one = run_json(kArray + mem + seeds + " --set workload.gemm.m=40 --set workload.gemm.k=50 "
                                                   "--set workload.gemm.n=30");
  const json& l0 = net["layers"][0];
  EXPECT_GT(one["memory"]["stall_cycles"].get<uint64_t>(), 0u);  // the memory holds the array up
  EXPECT_EQ(l0["cycles"], one["cycles"]);
  EXPECT_EQ(l0["memory"], one["memory"]);
  EXPECT_EQ(l0["cost"], one["cost"]);  // memory energy included, as in qmac run
  // Totals: layer 0 once, layer 1 (three groups) twice.
  const json& l1 = net["layers"][1];
  for (const char* k : {"stall_cycles", "spilled_tiles_c"})
    EXPECT_EQ(net["memory"][k].get<uint64_t>(), l0["memory"][k].get<uint64_t>() + 2 * l1["memory"][k].get<uint64_t>())
        << k;
  EXPECT_EQ(net["memory"]["sram_reads"]["a"].get<uint64_t>(),
            l0["memory"]["sram_reads"]["a"].get<uint64_t>() + 2 * l1["memory"]["sram_reads"]["a"].get<uint64_t>());
  EXPECT_DOUBLE_EQ(net["memory"]["bytes"]["dram_total"].get<double>(),
                   l0["memory"]["bytes"]["dram_total"].get<double>() + 2 * l1["memory"]["bytes"]["dram_total"].get<double>());
  EXPECT_EQ(net["memory"]["dram_bandwidth"]["peak"].get<double>(),
            std::max(l0["memory"]["dram_bandwidth"]["peak"].get<double>(), l1["memory"]["dram_bandwidth"]["peak"].get<double>()));
  EXPECT_GT(net["cost"]["energy_pj"].get<double>(), 0);
}

TEST(NetworkRun_Analytic, SameCyclesAndMemoryAsTheEnginesWithoutAccuracy) {
  const std::string mem = "--set memory.model=scratchpad --set memory.sram_kib.a=1 --set memory.dram.bandwidth=4 ";
  const std::string topo = temp_file("analytic.yaml",
                                     "layers:\n"
                                     "  - {name: conv, conv: {ifmap: 9, channels: 4, filter: 3, filters: 6, stride: 2}}\n"
                                     "  - {name: heads, gemm: {m: 10, k: 8, n: 10}, groups: 3, repeat: 4}\n");
  for (const char* df : {"ws", "os"}) {
    const std::string common = kArray + mem + "--set array.dataflow=" + df + " --topology " + topo;
    const json fast = run_json(common);
    const json analytic = run_json(common + " --engine analytic");
    ASSERT_EQ(analytic["layers"].size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
      const json& a = analytic["layers"][i];
      const json& f = fast["layers"][i];
      for (const char* k : {"cycles", "macs", "folds", "utilization", "memory"}) EXPECT_EQ(a[k], f[k]) << k << " " << df;
      EXPECT_FALSE(a.contains("accuracy"));
      EXPECT_TRUE(a.contains("accuracy_note"));
      EXPECT_EQ(a["cost"]["energy_basis"], "static");
      EXPECT_EQ(a["cost"]["area_um2"], f["cost"]["area_um2"]);
    }
    for (const char* k : {"cycles", "macs", "folds", "memory"}) EXPECT_EQ(analytic[k], fast[k]) << k;
    EXPECT_FALSE(analytic.contains("accuracy"));
    EXPECT_TRUE(analytic.contains("accuracy_note"));
  }
  // Policies by a statistic of the tensors still work; by accuracy they cannot.
  const json k = run_json(kArray + "--engine analytic --topology " + topo +
                          " --set 'policy={rules: [{when: {measure: kurtosis, tensor: a, above: 100}, set: {mac.a: fp16}}]}'");
  EXPECT_EQ(k["policy"]["switched_count"], 0);
  EXPECT_NE(run_error(kArray + "--engine analytic --topology " + topo +
                      " --set 'policy={rules: [{when: {measure: sqnr_db, below: 30}, set: {mac.a: fp16}}]}'")
                .find("needs the layer's accuracy, which the analytic engine does not compute"),
            std::string::npos);
}

TEST(NetworkRun_Config, CostOfANetworkConfigIsRefusedNotTheDefaultGemms) {
  const auto r = run_qmac("cost --set workload.topology=resnet18");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("qmac cost prices one GEMM"), std::string::npos) << r.err;
}

TEST(NetworkRun_Data, AConvolutionsActivationsAreQuantisedAsItsIfmap) {
  // One scale per tensor: chosen on the ifmap (each pixel once), then the codes lowered.
  namespace wl = qmac::workload;
  const std::string topo = temp_file("q_ifmap.yaml",
                                     "layers:\n  - {name: c, conv: {ifmap: 9, channels: 5, filter: 3, filters: 4, "
                                     "stride: 2, padding: 1}}\n");
  const qmac::config::Recipe recipe = qmac::config::read_recipe("", {"workload.topology=" + topo});
  const wl::Topology t = wl::load_topology(topo);
  const qmac::config::Config cfg = qmac::run::layer_config(recipe, t, 0);
  const qmac::run::LayerData d = qmac::run::layer_data(cfg, t.layers[0]);
  const qmac::run::LayerOperands q = qmac::run::quantize_layer(cfg, t.layers[0], d);
  double max_abs = 0;
  for (double v : d.ifmap.values) max_abs = std::max(max_abs, std::fabs(v));
  ASSERT_EQ(q.qa.scales.size(), 1u);
  EXPECT_DOUBLE_EQ(q.qa.scales[0], max_abs / 127);  // INT8, absmax: max |x| of the ifmap maps to 127
  const wl::Quantized f = wl::quantize(d.ifmap, cfg.mac.a, wl::Granularity::per_tensor, wl::ScaleMethod::max,
                                       wl::Axis::rows);
  EXPECT_EQ(q.qa.codes, wl::im2col_codes(f.codes, *t.layers[0].conv, wl::lower_conv(*t.layers[0].conv)));
  EXPECT_EQ(q.qa.rows, d.a.rows);
  EXPECT_EQ(q.qa.cols, d.a.cols);
}
