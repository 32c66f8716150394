#include "sim/rtl/design_io.hpp"

#include <filesystem>

#include "sim/errors.hpp"

namespace qmac::rtl {

namespace fs = std::filesystem;

Design generate_design(const config::Config& cfg) {
  try {
    return generate_mac(config::mac_spec(cfg), cfg.mac.pipeline_stages);
  } catch (const RtlError& e) {
    throw InputError(e.key(), e.what());
  }
}

void prepare_output_dir(const std::string& dir, const std::string& option) {
  std::error_code ec;
  std::string trimmed = dir;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  const fs::path p(trimmed);
  if (fs::exists(p, ec)) {
    if (!fs::is_directory(p, ec)) throw InputError("argument " + option, "'" + dir + "' exists and is not a folder");
    return;
  }
  const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!parent.empty() && !fs::is_directory(parent, ec))
    throw InputError("argument " + option, "the parent folder of '" + dir + "' does not exist (qmac creates only " +
                                               "the output folder itself)");
  if (!fs::create_directory(p, ec) || ec)
    throw InputError("argument " + option, "cannot create the folder '" + dir + "': " + ec.message());
}

}  // namespace qmac::rtl
