// The declarative adapter: a VendorAdapter driven by a compiled mapping.json.
#pragma once

#include <memory>

#include "adapter.h"
#include "engine/mapping.h"

namespace fieldgate::engine {

class MappingAdapter final : public VendorAdapter {
  public:
    explicit MappingAdapter(std::shared_ptr<const CompiledMapping> mapping)
        : mapping_(std::move(mapping)) {}
    NormalizeOutput normalize(std::string_view body) const override;
    const CompiledMapping& mapping() const { return *mapping_; }

  private:
    std::shared_ptr<const CompiledMapping> mapping_;
};

}  // namespace fieldgate::engine
