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

#include "models/util/fd_io.hpp"
#include "sim/errors.hpp"
#include "sim/io/files.hpp"

namespace qmac::sweep {

namespace {

std::string read_all(const std::string& path) { return io::read_file(path, io::kMaxResultsInput, "results file"); }

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
  int err = 0;
  if (!util::write_all(fd, line.data(), line.size(), err)) {
    ::close(fd);
    throw RuntimeError("cannot write " + path + ": " + std::strerror(err));
  }
  // The row is the commit point of a finished point: it must be on disk.
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    throw RuntimeError("cannot write " + path + ": sync: " + std::strerror(err));
  }
  if (::close(fd) != 0) throw RuntimeError("cannot write " + path + ": close: " + std::strerror(errno));
}

std::set<size_t> recover_csv(const std::string& path, const std::string& header_line,
                             const std::map<size_t, std::vector<std::string>>& expected, bool drop_failed) {
  std::set<size_t> ids;
  if (!std::filesystem::exists(path)) {
    io::write_file(path, header_line);
    return ids;
  }
  const std::string text = read_all(path);
  const auto lines = complete_lines(text);
  const std::string header = header_line.substr(0, header_line.size() - 1);
  if (lines.empty() || lines[0] != header)
    throw InputError(path + ":1", "exists but its header is not this sweep's (different axes or command); "
                                  "use another -o file");
  const size_t fields = parse_csv_line(header).size();
  std::string kept = header_line;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string at = path + ":" + std::to_string(i + 1);
    const auto row = parse_csv_line(lines[i]);
    if (row.size() != fields)
      throw InputError(at, "a row with " + std::to_string(row.size()) + " fields under a header of " +
                               std::to_string(fields) + "; expected a results file written by qmac sweep");
    const size_t id = point_of_csv(lines[i], path);
    const auto it = expected.find(id);
    if (it == expected.end())
      throw InputError(at, "point " + std::to_string(id) +
                               " is not a point of this sweep (or of this --shard); the file holds other results: "
                               "use another -o file");
    for (size_t c = 0; c < it->second.size(); ++c)
      if (row[1 + c] != it->second[c])
        throw InputError(at, "point " + std::to_string(id) + " has '" + row[1 + c] + "' where this sweep's point has '" +
                                 it->second[c] + "': the sweep's definition changed since the row was written; "
                                 "use another -o file");
    if (drop_failed && row.back() != "ok") continue;  // to be run again
    if (!ids.insert(id).second) continue;             // never keep a point twice
    kept += lines[i] + "\n";
  }
  if (kept != text) io::write_file(path, kept);  // drop a torn last line, duplicates (or failed rows)
  return ids;
}

void recover_jsonl(const std::string& path, const std::set<size_t>& keep) {
  if (!std::filesystem::exists(path)) return;
  std::set<size_t> seen;
  std::string kept;
  const auto lines = complete_lines(read_all(path));  // a torn last line (no newline) is dropped
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto j = nlohmann::json::parse(lines[i], nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("point") || !j["point"].is_number_unsigned())
      throw InputError(path + ":" + std::to_string(i + 1),
                       "not a results line (a JSON object with a \"point\" id); expected the JSON lines qmac sweep "
                       "writes beside its CSV");
    const size_t id = j["point"].get<size_t>();
    if (!keep.count(id) || !seen.insert(id).second) continue;
    kept += lines[i] + "\n";
  }
  io::write_file(path, kept);
}

void sort_csv_by_point(const std::string& path) {
  const auto lines = complete_lines(read_all(path));
  if (lines.empty()) return;
  std::map<size_t, std::string> rows;
  for (size_t i = 1; i < lines.size(); ++i) rows.emplace(point_of_csv(lines[i], path), lines[i]);
  std::string out = lines[0] + "\n";
  for (const auto& [id, row] : rows) out += row + "\n";
  io::write_file(path, out);
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
  io::write_file(path, out);
}

}  // namespace qmac::sweep
