#include "sim/config/yaml_cursor.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "sim/errors.hpp"

namespace qmac::config {

namespace {

bool is_prefix_path(const std::string& prefix, const std::string& path) {
  return path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
         (path[prefix.size()] == '.' || path[prefix.size()] == '[');
}

std::string node_kind(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Null: return "empty";
    case YAML::NodeType::Scalar: return "'" + n.Scalar() + "'";
    default: return "undefined";
  }
}

}  // namespace

void Source::record(const std::string& path, Origin o) {
  // A new value at `path` replaces its whole subtree: forget where the old one's parts came from.
  for (auto it = overrides_.begin(); it != overrides_.end();)
    it = is_prefix_path(path, it->first) ? overrides_.erase(it) : std::next(it);
  overrides_[path] = std::move(o);
}

void Source::add_override(const std::string& path, const std::string& where) {
  record(path, {true, where, "", YAML::Mark::null_mark()});
}

void Source::add_file_override(const std::string& path, const std::string& file, const std::string& base_dir,
                               const YAML::Mark& mark) {
  record(path, {false, file, base_dir, mark});
}

const Source::Origin* Source::override_for(const std::string& path, bool descendants) const {
  // The longest override that is the path itself or one of its parents.
  const Origin* best = nullptr;
  size_t best_len = 0;
  for (const auto& [p, origin] : overrides_) {
    if ((p == path || is_prefix_path(p, path)) && (best == nullptr || p.size() >= best_len)) {
      best = &origin;
      best_len = p.size();
    }
  }
  if (best || !descendants) return best;
  // Else one below it (a key or section that --set created on its way down).
  for (const auto& [p, origin] : overrides_)
    if (is_prefix_path(path, p)) return &origin;
  return nullptr;
}

bool Source::from_override(const std::string& path) const {
  const Origin* o = override_for(path, false);
  return o != nullptr && o->command_line;
}

std::string Source::base_dir_for(const std::string& path, const std::string& fallback) const {
  const Origin* o = override_for(path, false);
  if (o == nullptr) return fallback;
  return o->command_line ? std::filesystem::current_path().string() : o->base_dir;
}

namespace {
std::string at_mark(const std::string& file, const YAML::Mark& mark) {
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}
}  // namespace

std::string Source::where(const std::string& path, const YAML::Mark& mark) const {
  const bool has_mark = !mark.is_null() && mark.line >= 0;
  auto file_where = [&](const Origin& o) {
    if (has_mark) return at_mark(o.text, mark);
    return !o.mark.is_null() && o.mark.line >= 0 ? at_mark(o.text, o.mark) : o.text;
  };
  if (const Origin* o = override_for(path, false)) return o->command_line ? o->text : file_where(*o);
  if (has_mark) return at_mark(name_, mark);
  if (const Origin* o = override_for(path, true)) return o->command_line ? o->text : file_where(*o);
  return name_;
}

std::string Source::where(const std::string& path, const YAML::Node& node) const {
  return where(path, node.IsDefined() ? node.Mark() : YAML::Mark::null_mark());
}

void Source::fail(const std::string& path, const YAML::Node& node, const std::string& what) const {
  throw InputError(where(path, node), path.empty() ? what : path + ": " + what);
}

void Source::fail(const std::string& path, const YAML::Mark& mark, const std::string& what) const {
  throw InputError(where(path, mark), path.empty() ? what : path + ": " + what);
}

namespace {

// Records where each document of a YAML stream starts (the event parser).
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& m) override { starts.push_back(m); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

YAML::Node load_single_document(const std::string& text, const std::string& source_name) {
  // Not YAML::LoadAll: in yaml-cpp 0.7 (Debian 12) it loops forever, pushing
  // empty documents, on input such as a stray ',' (jbeder/yaml-cpp#1040, fixed
  // upstream in 2024 by PR #1319; found here by tests/fuzz). The event parser
  // counts the documents instead, and a document that starts where the
  // previous one did (no progress) is the syntax error it is.
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts docs;
  while (docs.starts.size() < 2 && parser.HandleNextDocument(docs)) {
    const auto& s = docs.starts;
    if (s.size() >= 2 && s[s.size() - 1].pos == s[s.size() - 2].pos)
      throw YAML::ParserException(s.back(), "unexpected character where a document should start");
  }
  if (docs.starts.size() > 1) {
    const YAML::Mark m = docs.starts[1];
    throw InputError(source_name + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1),
                     "a second YAML document; expected one document per file");
  }
  return YAML::Load(text);
}

int edit_distance(const std::string& a, const std::string& b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = int(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = int(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  int best_d = 0;
  for (const auto& c : candidates) {
    const int d = edit_distance(word, c);
    if (best.empty() || d < best_d) {
      best = c;
      best_d = d;
    }
  }
  const int limit = std::max<int>(2, int(word.size()) / 3);
  return (!best.empty() && best_d <= limit) ? best : std::string();
}

std::string one_of(const std::vector<std::string>& names) {
  std::string s = "one of: ";
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return s;
}

void Cursor::expect_map(const std::vector<std::string>& allowed) const {
  if (!present() || node_.IsNull()) return;
  if (!node_.IsMap()) fail("is " + node_kind(node_) + "; expected a mapping with keys " + one_of(allowed).substr(8));
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) src_->fail(path_, key.Mark(), "a key is " + node_kind(key) + "; expected a scalar key");
    const std::string& k = key.Scalar();
    const std::string child = path_.empty() ? k : path_ + "." + k;
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      const std::string guess = closest(k, allowed);
      src_->fail(child, key.Mark(),
                 "unknown key '" + k + "'" + (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
                     (guess.empty() ? "; expected " : " expected ") + one_of(allowed));
    }
    if (!seen.insert(k).second) src_->fail(child, key.Mark(), "duplicate key '" + k + "'; expected each key once");
  }
}

Cursor Cursor::operator[](const std::string& key) const {
  const std::string child = path_.empty() ? key : path_ + "." + key;
  if (present() && node_.IsMap())
    for (auto it = node_.begin(); it != node_.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() == key) return Cursor(*src_, child, it->second, it->first.Mark());
  return Cursor(*src_, child, YAML::Node(YAML::NodeType::Undefined));
}

void Cursor::fail(const std::string& what) const {
  if ((!present() || node_.IsNull()) && !key_mark_.is_null()) src_->fail(path_, key_mark_, what);
  src_->fail(path_, node_, what);
}

void Cursor::fail_at_key(const std::string& what) const {
  if (!key_mark_.is_null()) src_->fail(path_, key_mark_, what);
  fail(what);
}

const std::string& Cursor::scalar(const std::string& expected) const {
  if (!present() || node_.IsNull()) fail("missing value; expected " + expected);
  if (!node_.IsScalar()) fail("is " + node_kind(node_) + "; expected " + expected);
  return node_.Scalar();
}

// Numbers and booleans are plain YAML scalars: "5" or '5' is a string.
const std::string& Cursor::plain_scalar(const std::string& expected) const {
  const std::string& s = scalar(expected);
  if (node_.Tag() == "!") fail("is the quoted string \"" + s + "\"; expected " + expected + " (without quotes)");
  return s;
}

long long Cursor::integer(long long lo, long long hi) const {
  const std::string range = "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
  const std::string& s = plain_scalar(range);
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE) fail("'" + s + "' is not an integer; expected " + range);
  if (v < lo || v > hi) fail(std::to_string(v) + " is out of range; expected " + range);
  return v;
}

uint64_t Cursor::uint64() const {
  const std::string expected = "an integer in 0.." + std::to_string(UINT64_MAX);
  const std::string& s = plain_scalar(expected);
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (s.empty() || s[0] == '-' || *end != '\0' || errno == ERANGE)
    fail("'" + s + "' is not a non-negative integer; expected " + expected);
  return v;
}

double Cursor::number() const {
  const std::string& s = plain_scalar("a number");
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    fail("'" + s + "' is not a finite number; expected a number");
  return v;
}

bool Cursor::boolean() const {
  const std::string& s = plain_scalar("true or false");
  if (s == "true") return true;
  if (s == "false") return false;
  fail("'" + s + "' is not a boolean; expected true or false");
}

std::string Cursor::string(const std::string& expected) const {
  const std::string& s = scalar(expected);
  if (s.empty()) fail("is an empty string; expected " + expected);
  return s;
}

std::string Cursor::choice(const std::vector<std::string>& names) const {
  const std::string& s = scalar(one_of(names));
  if (std::find(names.begin(), names.end(), s) != names.end()) return s;
  const std::string guess = closest(s, names);
  fail("'" + s + "' is not valid" + (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
       (guess.empty() ? "; expected " : " expected ") + one_of(names));
}

}  // namespace qmac::config
