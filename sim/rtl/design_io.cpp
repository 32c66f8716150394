#include "sim/rtl/design_io.hpp"

#include "sim/errors.hpp"
#include "sim/io/files.hpp"

namespace qmac::rtl {

Design generate_design(const config::Config& cfg, MacPorts ports) {
  try {
    return generate_mac(config::mac_spec(cfg), cfg.mac.pipeline_stages, ports);
  } catch (const RtlError& e) {
    throw InputError(e.key(), e.what());
  }
}

PeDesign generate_pe_design(const config::Config& cfg) {
  const auto df = cfg.array.dataflow == array::Dataflow::ws   ? PeDataflow::ws
                  : cfg.array.dataflow == array::Dataflow::os ? PeDataflow::os
                                                              : PeDataflow::is;
  try {
    return generate_pe(config::mac_spec(cfg), cfg.mac.pipeline_stages, df, cfg.array.double_buffer);
  } catch (const RtlError& e) {
    throw InputError(e.key(), e.what());
  }
}

void prepare_output_dir(const std::string& dir, const std::string& option) {
  // The project's rules for output folders (sim/io/files.hpp): only the folder
  // itself is created, never a missing parent.
  io::check_output_dir(dir, option + " output");
  io::make_output_dir(dir, option + " output");
}

}  // namespace qmac::rtl
