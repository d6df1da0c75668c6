#include "cpp_adapters.h"

#include "string_limits.h"

namespace fieldgate {

namespace {

class StringLimited : public VendorAdapter {
  public:
    explicit StringLimited(std::shared_ptr<const VendorAdapter> inner) : inner_(std::move(inner)) {}

    NormalizeOutput normalize(std::string_view body) const override {
        auto out = inner_->normalize(body);
        for (auto& rec : out.records) {
            if (!rec.result) continue;
            auto errors = check_result_strings(*rec.result);
            if (errors.empty()) continue;
            rec.result.reset();
            for (auto& e : errors) rec.errors.push_back(std::move(e));
        }
        return out;
    }

  private:
    std::shared_ptr<const VendorAdapter> inner_;
};

}  // namespace

std::shared_ptr<const VendorAdapter> with_string_limits(
    std::shared_ptr<const VendorAdapter> inner) {
    if (!inner) return inner;
    return std::make_shared<StringLimited>(std::move(inner));
}

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
