// The adapter interface: one payload in the vendor's own format -> canonical records.
// The declarative mapping engine implements it for every vendor; C++ adapters registered in
// cpp_adapters.h exist only for what a mapping cannot express.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "model.h"
#include "vendor_spec.h"

namespace fieldgate {

class VendorAdapter {
  public:
    virtual ~VendorAdapter() = default;
    // Never throws on bad input: every problem comes back as a RecordError naming the field.
    virtual NormalizeOutput normalize(std::string_view body) const = 0;
};

}  // namespace fieldgate
