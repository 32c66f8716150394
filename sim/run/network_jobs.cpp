// run_layers: a network's layers one after the other, or `jobs` at a time in
// forked worker processes. Each layer is independent (its own config, data
// seeded by its index, its own simulations), so the JSON is the same either way;
// a worker sends its layer's JSON (or its error) back through a pipe.
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>

#include "sim/errors.hpp"
#include "sim/run/network.hpp"

namespace qmac::run {

using nlohmann::ordered_json;

namespace {

using Clock = std::chrono::steady_clock;

void write_all(int fd, const std::string& s) {
  const char* p = s.data();
  size_t n = s.size();
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) _exit(3);
    p += w;
    n -= size_t(w);
  }
}

// The worker's message: "ok\n" + the layer's JSON, "input\n" + {where, what}, or "runtime\n" + text.
std::string layer_message(const config::Recipe& recipe, const config::Config& cfg, const workload::Topology& t,
                          size_t index, int threads) {
  try {
    return "ok\n" + run_network_layer(recipe, cfg, t, index, threads).dump();
  } catch (const InputError& e) {
    std::string what = e.what();
    if (!e.where().empty() && what.rfind(e.where() + ": ", 0) == 0) what.erase(0, e.where().size() + 2);
    return "input\n" + ordered_json{{"where", e.where()}, {"what", what}}.dump();
  } catch (const std::exception& e) {
    return std::string("runtime\n") + e.what();
  }
}

struct Worker {
  pid_t pid = -1;
  size_t index = 0;
  std::string data;
  Clock::time_point start;
};

void progress(const NetworkOptions& opt, const workload::Topology& t, size_t index, size_t done, Clock::time_point t0,
              Clock::time_point start) {
  if (!opt.progress) return;
  const auto now = Clock::now();
  std::fprintf(stderr, "qmac run: layer %zu/%zu %s done (%zu of %zu): %.2f s (%.1f s in all)\n", index + 1,
               t.layers.size(), t.layers[index].name.c_str(), done, t.layers.size(),
               std::chrono::duration<double>(now - t0).count(), std::chrono::duration<double>(now - start).count());
}

}  // namespace

ordered_json run_layers(const config::Recipe& recipe, const config::Config& cfg, const workload::Topology& t,
                        const NetworkOptions& opt) {
  const size_t n = t.layers.size();
  std::vector<ordered_json> results(n);
  const auto start = Clock::now();
  if (opt.jobs <= 1 || n == 1) {
    for (size_t i = 0; i < n; ++i) {
      const auto t0 = Clock::now();
      results[i] = run_network_layer(recipe, cfg, t, i, opt.threads);
      progress(opt, t, i, i + 1, t0, start);
    }
  } else {
    std::map<int, Worker> running;  // pipe read end -> worker
    size_t next = 0, done = 0;
    auto stop_all = [&]() {
      for (auto& [fd, w] : running) {
        ::kill(w.pid, SIGKILL);
        ::close(fd);
        while (::waitpid(w.pid, nullptr, 0) < 0 && errno == EINTR) {
        }
      }
      running.clear();
    };
    try {
      while (done < n) {
        while (next < n && running.size() < size_t(opt.jobs)) {
          int fds[2];
          if (::pipe(fds) != 0) throw RuntimeError(std::string("pipe: ") + std::strerror(errno));
          std::fflush(nullptr);
          const pid_t pid = ::fork();
          if (pid < 0) throw RuntimeError(std::string("fork: ") + std::strerror(errno));
          if (pid == 0) {
            ::close(fds[0]);
            for (const auto& [fd, w] : running) ::close(fd);
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a killed run leaves no workers behind
            write_all(fds[1], layer_message(recipe, cfg, t, next, opt.threads));
            _exit(0);  // skip the parent's destructors
          }
          ::close(fds[1]);
          running[fds[0]] = Worker{pid, next++, "", Clock::now()};
        }
        std::vector<pollfd> polls;
        for (const auto& [fd, w] : running) polls.push_back({fd, POLLIN, 0});
        if (::poll(polls.data(), polls.size(), -1) < 0) {
          if (errno == EINTR) continue;
          throw RuntimeError(std::string("poll: ") + std::strerror(errno));
        }
        for (const pollfd& p : polls) {
          if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
          Worker& w = running.at(p.fd);
          char buf[65536];
          const ssize_t got = ::read(p.fd, buf, sizeof buf);
          if (got < 0 && errno == EINTR) continue;
          if (got > 0) {
            w.data.append(buf, size_t(got));
            continue;
          }
          // End of the worker's message.
          const Worker finished = std::move(w);
          ::close(p.fd);
          running.erase(p.fd);
          int status = 0;
          while (::waitpid(finished.pid, &status, 0) < 0 && errno == EINTR) {
          }
          const size_t nl = finished.data.find('\n');
          const std::string kind = finished.data.substr(0, nl);
          const std::string body = nl == std::string::npos ? "" : finished.data.substr(nl + 1);
          if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || nl == std::string::npos)
            throw RuntimeError("the worker simulating layer '" + t.layers[finished.index].name +
                               "' failed (status " + std::to_string(status) + ")");
          if (kind == "input") {
            const auto e = ordered_json::parse(body);
            throw InputError(e["where"].get<std::string>(), e["what"].get<std::string>());
          }
          if (kind != "ok") throw RuntimeError(body);
          results[finished.index] = ordered_json::parse(body);
          progress(opt, t, finished.index, ++done, finished.start, start);
        }
      }
    } catch (...) {
      stop_all();
      throw;
    }
  }
  ordered_json out = ordered_json::array();
  for (auto& r : results) out.push_back(std::move(r));
  return out;
}

}  // namespace qmac::run
