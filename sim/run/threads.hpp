// How many host threads one `qmac run` uses (issue 13): --threads N, else the
// environment variable QMAC_THREADS, else every processor this process may
// run on (sched_getaffinity). Results never depend on it. A sweep running -j J
// points at once gives each point cores / J threads through QMAC_THREADS
// (sim/sweep/runner.cpp), so J points never start more threads than cores.
#pragma once

#include <string>

namespace qmac::run {

constexpr int kMaxThreads = 1024;

// `cli`: the --threads argument (null when not given). Throws InputError
// naming --threads or QMAC_THREADS for anything but an integer in 1..kMaxThreads.
int resolve_threads(const std::string* cli);

}  // namespace qmac::run
