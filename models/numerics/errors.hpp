// Errors of the models, named by what they are. Each is a request the model
// cannot build or carry out (a bad format name, a MAC that cannot exist, an
// impossible array shape); all derive from ModelError, which the command line
// reports as bad input (exit code 2). Bugs in qmac itself are std::logic_error
// and never a ModelError.
#pragma once

#include <stdexcept>
#include <string>

namespace qmac {

class ModelError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

namespace num {

// A format name or a format's parameters (bias, widths, conventions), or a
// value that a format cannot encode.
class FormatError : public ModelError {
 public:
  using ModelError::ModelError;
};

// A distribution's name or parameters (`qmac qerror --dist`).
class DistributionError : public ModelError {
 public:
  using ModelError::ModelError;
};

// A quantisation-error request the model cannot answer (e.g. --scale max of an
// unbounded distribution, data that is not finite).
class QuantizerError : public ModelError {
 public:
  using ModelError::ModelError;
};

// A MAC that cannot be built (num::validate). `part` names the part of the
// MacSpec that has to change, so a config reader can point at its key.
enum class SpecPart { operands, acc_kind, acc_width, acc_frac_bits, acc_format, acc_rounding };
class SpecError : public ModelError {
 public:
  SpecError(SpecPart part, const std::string& what) : ModelError(what), part_(part) {}
  SpecPart part() const { return part_; }

 private:
  SpecPart part_;
};

}  // namespace num
}  // namespace qmac
