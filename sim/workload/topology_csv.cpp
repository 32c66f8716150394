// SCALE-Sim v2's topology CSVs, read as its topology_utils.py reads them
// (scale-sim-v2 commit 22f88b1), with clear errors where it would crash:
//   - the first line is a header and is skipped; blank lines are skipped;
//   - fields are split at commas and stripped; the trailing comma SCALE-Sim's
//     files end every row with leaves an empty last field, which is dropped
//     (SCALE-Sim drops the last field unconditionally; qmac keeps a last field
//     that is not empty, so a row without the trailing comma still works);
//   - convolution rows: Layer name, IFMAP Height, IFMAP Width, Filter Height,
//     Filter Width, Channels, Num Filter, Strides[, stride width]; a 9th field,
//     when present and not empty, is the stride in width (else the same as in
//     height). Fields after the 9th are ignored (SCALE-Sim's own Resnet50.csv
//     keeps notes there: Eh, Ew, e2); a row whose fields are all empty is blank;
//   - a row whose name contains "DP" is depthwise: SCALE-Sim runs it as
//     `Channels` convolutions of one channel each with `Num Filter` filters;
//   - GEMM rows: Layer, M, N, K -- SCALE-Sim maps them to a conv of an M x K
//     ifmap with N filters of 1 x K, i.e. the GEMM (M x K) x (K x N): M output
//     rows, N output columns, K the reduction.
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "sim/errors.hpp"
#include "sim/workload/topology.hpp"

namespace qmac::workload {

namespace {

const std::vector<std::string> kConvColumns = {"Layer name", "IFMAP Height", "IFMAP Width", "Filter Height",
                                               "Filter Width", "Channels",   "Num Filter",  "Strides",
                                               "stride width"};
const std::vector<std::string> kGemmColumns = {"Layer", "M", "N", "K"};

struct Field {
  std::string text;
  int column = 1;  // 1-based character column where the field starts
};

// SCALE-Sim reads its CSVs by position and ignores the header's words, so a
// header whose columns are in another order would be misread silently. The
// header is checked for the words that identify each column — loosely, as
// SCALE-Sim's own files spell them differently ("Num Filter"/"num filters",
// "Channels"/"channel", and 14 files head the height column "IFMAP Width").
const std::vector<std::vector<std::string>> kConvHeaderWords = {
    {}, {"ifmap"}, {"ifmap"}, {"filter"}, {"filter"}, {"channel"}, {"filter"}, {"stride"}};
const std::vector<std::vector<std::string>> kGemmHeaderWords = {{}, {"m"}, {"n"}, {"k"}};

std::string strip(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string lower(std::string s) {
  for (char& ch : s) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::vector<Field> split_fields(const std::string& line) {
  std::vector<Field> out;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    const std::string raw = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t lead = 0;
    while (lead < raw.size() && std::isspace(static_cast<unsigned char>(raw[lead]))) ++lead;
    out.push_back({strip(raw), int(start + lead) + 1});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.size() > 1 && out.back().text.empty()) out.pop_back();  // the trailing comma
  return out;
}

class RowReader {
 public:
  RowReader(const std::string& file, int line, const std::vector<Field>& fields, const std::vector<std::string>& names)
      : file_(file), line_(line), fields_(fields), names_(names) {}

  [[noreturn]] void fail(size_t i, const std::string& what) const {
    const int col = i < fields_.size() ? fields_[i].column : (fields_.empty() ? 1 : fields_.back().column);
    throw InputError(file_ + ":" + std::to_string(line_) + ":" + std::to_string(col),
                     "column '" + names_[i] + "' (" + std::to_string(i + 1) + "): " + what);
  }
  bool present(size_t i) const { return i < fields_.size() && !fields_[i].text.empty(); }

  int positive(size_t i) const {
    if (i >= fields_.size())
      fail(i, "missing; expected " + std::to_string(names_.size() - (names_.back() == "stride width")) +
                  " columns: " + join());
    const std::string& s = fields_[i].text;
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE)  // (a NUL inside the field is not the end)
      fail(i, "'" + s + "' is not an integer; expected a positive integer");
    if (v < 1 || v > (1 << 20)) fail(i, std::to_string(v) + " is out of range; expected an integer in 1..1048576");
    return int(v);
  }
  std::string name() const {
    if (!present(0)) fail(0, "empty; expected the layer's name");
    return fields_[0].text;
  }

 private:
  std::string join() const {
    std::string s;
    for (const auto& n : names_)
      if (n != "stride width") s += (s.empty() ? "" : ", ") + n;
    return s;
  }
  const std::string& file_;
  int line_;
  const std::vector<Field>& fields_;
  const std::vector<std::string>& names_;
};

}  // namespace

Topology parse_scalesim_csv(const std::string& text_in, const std::string& name) {
  std::string text = text_in;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a UTF-8 byte-order mark (several shipped files)
  Topology t;
  t.path = name;
  t.name = std::filesystem::path(name).stem().string();
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t nl = text.find('\n', start);
    std::string l = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(l);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  const std::vector<Field> header = split_fields(lines.empty() ? "" : lines[0]);
  const std::string second = header.size() > 1 ? lower(header[1].text) : "";
  bool conv_header = false;
  for (const auto& f : header) conv_header = conv_header || lower(f.text).find("ifmap") != std::string::npos;
  if (second == "m") t.format = TopologyFormat::scalesim_gemm;
  else if (conv_header) t.format = TopologyFormat::scalesim_conv;
  else
    throw InputError(name + ":1:1", "the header row is neither of SCALE-Sim's; expected 'Layer name, IFMAP Height, "
                                    "IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,' "
                                    "(convolutions) or 'Layer, M, N, K,' (GEMMs), or a .yaml topology");
  const bool gemm = t.format == TopologyFormat::scalesim_gemm;
  const std::vector<std::string>& names = gemm ? kGemmColumns : kConvColumns;
  const auto& words = gemm ? kGemmHeaderWords : kConvHeaderWords;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string h = i < header.size() ? lower(header[i].text) : "";
    bool ok = !h.empty();
    for (const auto& w : words[i]) ok = ok && (gemm ? h == w : h.find(w) != std::string::npos);
    if (!ok)
      throw InputError(name + ":1:" + std::to_string(i < header.size() ? header[i].column : header.back().column),
                       "header column " + std::to_string(i + 1) +
                           (i < header.size() ? " is '" + header[i].text + "'" : " is missing") +
                           "; expected '" + names[i] + "' there (SCALE-Sim reads the columns by position: " +
                           (gemm ? "Layer, M, N, K" : "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter "
                                                      "Width, Channels, Num Filter, Strides") + ")");
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<Field> fields = split_fields(lines[i]);
    bool blank = true;
    for (const auto& f : fields) blank = blank && f.text.empty();
    if (blank) continue;
    const int line = int(i) + 1;
    const RowReader row(name, line, fields, names);
    if (t.layers.size() >= kMaxLayers)
      throw InputError(name + ":" + std::to_string(line), "more than " + std::to_string(kMaxLayers) +
                                                              " layers; expected at most that many");
    Layer L;
    L.name = row.name();
    L.line = line;
    if (gemm) {
      L.m = row.positive(1);
      L.n = row.positive(2);
      L.k = row.positive(3);
    } else {
      ConvSpec c;
      c.rounding = ConvSpec::Rounding::scalesim;
      c.ifmap_h = row.positive(1);
      c.ifmap_w = row.positive(2);
      c.filter_h = row.positive(3);
      c.filter_w = row.positive(4);
      c.channels = row.positive(5);
      c.filters = row.positive(6);
      c.stride_h = c.stride_w = row.positive(7);
      if (row.present(8)) c.stride_w = row.positive(8);
      if (L.name.find("DP") != std::string::npos) {
        // SCALE-Sim: `Channels` layers of one channel and `Num Filter` filters each.
        c.groups = c.channels;
        if ((long long)c.filters * c.channels > (1 << 20))
          row.fail(6, "depthwise: " + std::to_string(c.channels) + " x " + std::to_string(c.filters) +
                          " filters in all; expected at most 1048576");
        c.filters *= c.channels;
      }
      try {
        const ConvGemm g = lower_conv(c);
        L.m = g.m;
        L.k = g.k;
        L.n = g.n;
      } catch (const InputError& e) {
        // The column that caused it: a filter larger than the ifmap in height or
        // width, else the lowered GEMM's size — M from the ifmap, K from the
        // filter window and channels.
        const std::string what = e.what();
        const int col = c.filter_h > c.ifmap_h                                ? 3
                        : c.filter_w > c.ifmap_w                              ? 4
                        : what.find("the lowered GEMM is") == std::string::npos ? 0
                        : (long long)c.filter_h * c.filter_w * c.channels > (1 << 20) ? 5
                                                                              : 1;
        row.fail(col, what);
      }
      L.groups = c.groups;
      L.conv = c;
    }
    try {
      check_layer_limits(L);
    } catch (const InputError& e) {
      throw InputError(name + ":" + std::to_string(line), "layer '" + L.name + "': " + e.what());
    }
    t.layers.push_back(std::move(L));
  }
  if (t.layers.empty())
    throw InputError(name, "no layers (only the header row); expected one row per layer after the header");
  return t;
}

}  // namespace qmac::workload
