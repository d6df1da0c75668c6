// C++ adapters for what a mapping cannot express: registered by name, named by a mapping.
#include "cpp_adapters.h"
#include "test_support.h"

namespace fieldgate::testing {
namespace {

class FixedAdapter final : public VendorAdapter {
  public:
    explicit FixedAdapter(std::string vendor) : vendor_(std::move(vendor)) {}
    NormalizeOutput normalize(std::string_view body) const override {
        NormalizeOutput out;
        NormalizedResult r;
        r.vendor_ref = vendor_ + ":" + std::string(body);
        r.crm_case_id = "SR-1";
        r.outcome = kCompleted;
        out.records.push_back(RecordResult{r, {}});
        return out;
    }

  private:
    std::string vendor_;
};

nlohmann::json cpp_mapping(const std::string& id, const std::string& adapter) {
    auto m = base_mapping(id, "json");
    m.erase("fields");
    m.erase("records");
    m.erase("value_maps");
    m["cpp_adapter"] = adapter;
    return m;
}

TEST(adapters_CppAdapters, AMappingCanNameARegisteredAdapter) {
    auto registry = std::make_shared<CppAdapterRegistry>();
    ASSERT_TRUE(registry->add("fixed", [](const CppAdapterContext& ctx) {
        return std::make_shared<FixedAdapter>(ctx.spec.id);
    }));
    EXPECT_FALSE(
        registry->add("fixed", [](const CppAdapterContext&) { return nullptr; }));  // no replacing
    VendorLoader loader(LoaderOptions{catalog(), {}, registry});
    TempDir dir;
    write_file(dir.path() / "odd-vendor" / "mapping.json",
               cpp_mapping("odd-vendor", "fixed").dump());
    auto load = loader.load_folder(dir.path() / "odd-vendor");
    ASSERT_TRUE(load.vendor) << all_errors(load.errors);
    EXPECT_EQ(load.vendor->spec.auth.scheme, "bearer");  // transport/auth still come from the file
    auto out = load.vendor->adapter->normalize("xyz");
    ASSERT_EQ(out.records.size(), 1u);
    EXPECT_EQ(out.records[0].result->vendor_ref, "odd-vendor:xyz");
}

TEST(adapters_CppAdapters, AnUnknownAdapterNameIsALoadError) {
    VendorLoader loader(LoaderOptions{catalog(), {}, std::make_shared<CppAdapterRegistry>()});
    TempDir dir;
    write_file(dir.path() / "odd-vendor" / "mapping.json",
               cpp_mapping("odd-vendor", "missing").dump());
    auto load = loader.load_folder(dir.path() / "odd-vendor");
    EXPECT_FALSE(load.vendor);
    ASSERT_EQ(load.errors.size(), 1u) << all_errors(load.errors);
    EXPECT_EQ(load.errors[0].pointer, "/cpp_adapter");
    EXPECT_NE(load.errors[0].message.find("'missing'"), std::string::npos);
}

}  // namespace
}  // namespace fieldgate::testing
