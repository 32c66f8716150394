#include "sim/sweep/results_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/errors.hpp"

namespace qmac::sweep {

namespace {

std::string read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> complete_lines(std::string text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(text.substr(start, nl - start));
  return lines;  // a trailing fragment without '\n' is a torn write: dropped
}

size_t point_of_csv(const std::string& line, const std::string& path) {
  const auto fields = parse_csv_line(line);
  try {
    size_t used = 0;
    const size_t id = std::stoul(fields.at(0), &used);
    if (used != fields[0].size()) throw std::invalid_argument("trailing");
    return id;
  } catch (const std::exception&) {
    throw InputError(path, "a row does not start with a point id: '" + line.substr(0, 60) + "'");
  }
}

}  // namespace

std::string csv_escape(const std::string& field) {
  std::string f = field;
  std::replace(f.begin(), f.end(), '\n', ' ');
  std::replace(f.begin(), f.end(), '\r', ' ');
  if (f.find_first_of(",\"") == std::string::npos) return f;
  std::string out = "\"";
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + csv_escape(fields[i]);
  return line + "\n";
}

std::vector<std::string> parse_csv_line(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

void append_line(const std::string& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw RuntimeError("cannot open " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      throw RuntimeError("cannot write " + path + ": " + std::strerror(errno));
    }
    done += size_t(n);
  }
  ::fsync(fd);
  ::close(fd);
}

void write_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << content;
    f.flush();
    if (!f) throw RuntimeError("cannot write " + tmp);
  }
  const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw RuntimeError("cannot rename " + tmp + " to " + path + ": " + ec.message());
}

std::set<size_t> recover_csv(const std::string& path, const std::string& header_line, bool drop_failed) {
  std::set<size_t> ids;
  if (!std::filesystem::exists(path)) {
    write_atomically(path, header_line);
    return ids;
  }
  const std::string text = read_all(path);
  const auto lines = complete_lines(text);
  const std::string header = header_line.substr(0, header_line.size() - 1);
  if (lines.empty() || lines[0] != header)
    throw InputError(path, "exists but its header is not this sweep's (different axes or command); "
                           "use another -o file");
  std::string kept = header_line;
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t id = point_of_csv(lines[i], path);
    if (drop_failed && parse_csv_line(lines[i]).back() != "ok") continue;  // to be run again
    if (!ids.insert(id).second) continue;  // never keep a point twice
    kept += lines[i] + "\n";
  }
  if (kept != text) write_atomically(path, kept);  // drop a torn last line, duplicates (or failed rows)
  return ids;
}

void recover_jsonl(const std::string& path, const std::set<size_t>& keep) {
  if (!std::filesystem::exists(path)) return;
  std::set<size_t> seen;
  std::string kept;
  for (const auto& line : complete_lines(read_all(path))) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("point")) continue;
    const size_t id = j["point"].get<size_t>();
    if (!keep.count(id) || !seen.insert(id).second) continue;
    kept += line + "\n";
  }
  write_atomically(path, kept);
}

void sort_csv_by_point(const std::string& path) {
  const auto lines = complete_lines(read_all(path));
  if (lines.empty()) return;
  std::map<size_t, std::string> rows;
  for (size_t i = 1; i < lines.size(); ++i) rows.emplace(point_of_csv(lines[i], path), lines[i]);
  std::string out = lines[0] + "\n";
  for (const auto& [id, row] : rows) out += row + "\n";
  write_atomically(path, out);
}

void sort_jsonl_by_point(const std::string& path) {
  if (!std::filesystem::exists(path)) return;
  std::map<size_t, std::string> rows;
  for (const auto& line : complete_lines(read_all(path))) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.contains("point")) rows.emplace(j["point"].get<size_t>(), line);
  }
  std::string out;
  for (const auto& [id, row] : rows) out += row + "\n";
  write_atomically(path, out);
}

}  // namespace qmac::sweep
