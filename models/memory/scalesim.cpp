#include "models/memory/memory.hpp"

namespace qmac::memory {

Report simulate_scalesim(const Config&, const array::Schedule&, const WordBytes&) {
  throw num::FormatError("memory.model: scalesim is not implemented yet");
}

}  // namespace qmac::memory
