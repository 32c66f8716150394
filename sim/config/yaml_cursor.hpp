// Typed, position-aware reading of a YAML config tree (yaml-cpp).
//
// A Source knows where every value of the tree came from: the config file (each
// node's YAML::Mark, reported 1-based as file:line:column) or a `--set KEY=VALUE`
// override (reported as "--set KEY=VALUE"). A Cursor is one node of the tree with
// its dotted path; its readers check the type and range of the value and throw
// qmac::InputError "where: path: what was wrong; expected ..." otherwise.
#pragma once

#include <cstdint>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace qmac::config {

class Source {
 public:
  // `name`: the config file's path as the user gave it ("<default>" for the built-in default).
  explicit Source(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }

  // Records that `path` (dotted) was set by an override; `where` names it in
  // errors ("--set KEY=VALUE", or a sweep file's file:line:column).
  void add_override(const std::string& path, const std::string& where);
  // Records that `path` was set from another YAML file (a topology's layer
  // overrides, a policy rule): errors there report that file with the value's own
  // line:column, and relative paths in it resolve against `base_dir`.
  // `mark`: where the override is in that file, for errors at nodes it created
  // (a key that has no mark of its own).
  void add_file_override(const std::string& path, const std::string& file, const std::string& base_dir,
                         const YAML::Mark& mark);
  // The shapes of the operands' tensors when they are not the GEMM's m x k and k x n
  // (a network layer: a convolution's ifmap, G groups side by side); .npy files are
  // checked against them. {rows_a, cols_a, rows_b, cols_b}.
  void set_tensor_shapes(std::array<int, 4> shapes) { tensor_shapes_ = shapes; }
  const std::optional<std::array<int, 4>>& tensor_shapes() const { return tensor_shapes_; }
  // True when the value at `path` came from --set (the path or one of its parents was set).
  bool from_override(const std::string& path) const;
  // The folder a relative path at `path` is relative to: the current directory
  // for --set values, an override file's folder, else `fallback` (the config's).
  std::string base_dir_for(const std::string& path, const std::string& fallback) const;

  // "file:line:column", "--set KEY=VALUE", or the file name when nothing better is known.
  std::string where(const std::string& path, const YAML::Node& node) const;
  std::string where(const std::string& path, const YAML::Mark& mark) const;

  [[noreturn]] void fail(const std::string& path, const YAML::Node& node, const std::string& what) const;
  [[noreturn]] void fail(const std::string& path, const YAML::Mark& mark, const std::string& what) const;

 private:
  struct Origin {
    bool command_line = true;  // an override (text: where it came from), else a file override (text = the file)
    std::string text, base_dir;
    YAML::Mark mark = YAML::Mark::null_mark();
  };
  const Origin* override_for(const std::string& path, bool descendants) const;
  void record(const std::string& path, Origin o);
  std::string name_;
  std::map<std::string, Origin> overrides_;  // dotted path -> where its value came from
  std::optional<std::array<int, 4>> tensor_shapes_;
};

// Parses YAML text that must hold exactly one document (a second `---`
// document is an error at its position, never silently ignored; an empty text
// is a null node). Syntax errors are YAML::Exception with their mark.
YAML::Node load_single_document(const std::string& text, const std::string& source_name);

// Levenshtein distance, and the closest candidate when it is close enough to be a
// plausible typo (distance <= max(2, size/3)); empty otherwise.
int edit_distance(const std::string& a, const std::string& b);
std::string closest(const std::string& word, const std::vector<std::string>& candidates);
// "one of: a, b, c"
std::string one_of(const std::vector<std::string>& names);

class Cursor {
 public:
  Cursor(const Source& src, std::string path, YAML::Node node) : src_(&src), path_(std::move(path)), node_(node) {}
  // `key_mark`: where the key of this value is; errors about an empty value point there.
  Cursor(const Source& src, std::string path, YAML::Node node, YAML::Mark key_mark)
      : src_(&src), path_(std::move(path)), node_(node), key_mark_(key_mark) {}

  // YAML::Node's assignment writes the other node's value *into the tree*;
  // a cursor must rebind instead (reset), or moving a cursor would rewrite the
  // config it reads.
  Cursor(const Cursor&) = default;
  Cursor& operator=(const Cursor& o) {
    src_ = o.src_;
    path_ = o.path_;
    node_.reset(o.node_);
    key_mark_ = o.key_mark_;
    return *this;
  }

  const std::string& path() const { return path_; }
  const YAML::Node& node() const { return node_; }
  const Source& source() const { return *src_; }
  bool present() const { return node_.IsDefined(); }

  // A section or sub-mapping: absent or null is an empty mapping; anything but a
  // mapping is an error; every key must be a scalar, unique, and in `allowed`
  // (else "unknown key ...; did you mean ...?").
  void expect_map(const std::vector<std::string>& allowed) const;
  Cursor operator[](const std::string& key) const;
  bool has(const std::string& key) const { return (*this)[key].present(); }

  // Scalar readers; the value must be present (callers check present() for optional keys).
  long long integer(long long lo, long long hi) const;
  uint64_t uint64() const;
  double number() const;  // finite
  bool boolean() const;   // true | false
  std::string string(const std::string& expected) const;
  // One of `names` (with a did-you-mean when the value is close to one).
  std::string choice(const std::vector<std::string>& names) const;

  [[noreturn]] void fail(const std::string& what) const;
  // The same, at the key rather than its value (for "this key does not belong here").
  [[noreturn]] void fail_at_key(const std::string& what) const;

 private:
  const std::string& scalar(const std::string& expected) const;
  const std::string& plain_scalar(const std::string& expected) const;
  const Source* src_;
  std::string path_;
  YAML::Node node_;
  YAML::Mark key_mark_ = YAML::Mark::null_mark();
};

}  // namespace qmac::config
