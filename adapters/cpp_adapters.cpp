#include "cpp_adapters.h"

namespace fieldgate {

bool CppAdapterRegistry::add(std::string name, CppAdapterFactory factory) {
    if (name.empty() || !factory) return false;
    return factories_.emplace(std::move(name), std::move(factory)).second;
}

const CppAdapterFactory* CppAdapterRegistry::find(std::string_view name) const {
    auto it = factories_.find(name);
    return it == factories_.end() ? nullptr : &it->second;
}

std::vector<std::string> CppAdapterRegistry::names() const {
    std::vector<std::string> out;
    for (const auto& [name, f] : factories_) out.push_back(name);
    return out;
}

}  // namespace fieldgate
