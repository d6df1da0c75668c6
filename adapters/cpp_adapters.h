// C++ adapters for what a mapping cannot express, registered by name. A mapping.json names one
// with "cpp_adapter": "<name>"; an unknown name is a load error. The registry is an ordinary
// object handed to the loader (no global state), so tests and the gateway choose what is in it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "adapter.h"
#include "catalog.h"

namespace fieldgate {

struct CppAdapterContext {
    const VendorSpec& spec;
    const nlohmann::json& mapping;  // the whole mapping.json, for adapter-specific settings
    std::shared_ptr<const Catalog> catalog;
};

// Returns the adapter, or throws std::runtime_error saying what is wrong (a load error).
using CppAdapterFactory =
    std::function<std::shared_ptr<const VendorAdapter>(const CppAdapterContext&)>;

// What a C++ adapter produces bypasses the mapping engine's limits: the loader wraps every C++
// adapter in this, which refuses a result whose text is over its standard field's default
// length or holds a control character (string_limits.h), naming the field, as the engine does.
std::shared_ptr<const VendorAdapter> with_string_limits(std::shared_ptr<const VendorAdapter> inner);

class CppAdapterRegistry {
  public:
    // False when the name is taken (a duplicate is refused, never replaced).
    bool add(std::string name, CppAdapterFactory factory);
    const CppAdapterFactory* find(std::string_view name) const;
    std::vector<std::string> names() const;

  private:
    std::map<std::string, CppAdapterFactory, std::less<>> factories_;
};

}  // namespace fieldgate
