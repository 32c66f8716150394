#!/usr/bin/python3
"""The README's system-level INT8-vs-FP8 table from a sweep of
configs/sweeps/memory_int8_vs_fp8.yaml:

    build/bin/qmac sweep configs/sweeps/memory_int8_vs_fp8.yaml -o results/memory_int8_vs_fp8.csv -j 2
    scripts/memory_table.py results/memory_int8_vs_fp8.csv
"""
import csv
import sys

SHAPES = {("784", "1152", "128"): "conv 784x1152x128", ("128", "768", "3072"): "FFN 128x768x3072",
          ("1", "4096", "4096"): "GEMV 1x4096x4096"}


def precision(r):
    if r["mac.a"] == "int8":
        return "INT8 + INT32"
    if r["mac.a"] == "fp16":
        return "W8A16 (FP16 x INT8 + FP32)"
    return "FP8-E4M3 + " + r["mac.accumulator.format"].upper()


def main(path):
    rows = list(csv.DictReader(open(path)))
    print("| layer | memory | precision | cycles | stall % | DRAM MB | pJ/MAC total | of which memory | MAC array pJ/MAC |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["status"] != "ok":
            print("| failed point", r["point"], r["status"], "|")
            continue
        shape = SHAPES[(r["workload.gemm.m"], r["workload.gemm.k"], r["workload.gemm.n"])]
        system = "%s KiB, %s B/cyc" % (r["memory.sram_kib.a"], r["memory.dram.bandwidth"])
        macs = float(r["macs"])
        cycles = int(r["cycles"])
        stall = int(r["memory.stall_cycles"])
        energy = float(r["cost.energy_pj"])
        mem = float(r["cost.memory_energy_pj"])
        print("| %s | %s | %s | %d | %.0f %% | %.2f | %.2f | %.0f %% | %.2f |" % (
            shape, system, precision(r), cycles, 100.0 * stall / cycles, float(r["memory.bytes.dram_total"]) / 1e6,
            energy / macs, 100.0 * mem / energy, (energy - mem) / macs))


if __name__ == "__main__":
    main(sys.argv[1])
