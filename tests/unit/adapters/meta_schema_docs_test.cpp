// adapters/mapping.schema.json is the reference integration staff read (docs/onboarding.md):
// every key a mapping may hold is described there.
#include "test_support.h"

namespace fieldgate::testing {
namespace {

void collect_undescribed(const nlohmann::json& node, const std::string& where,
                         std::vector<std::string>& missing) {
    if (!node.is_object()) return;
    if (node.contains("properties")) {
        for (const auto& [key, sub] : node["properties"].items()) {
            if (!sub.contains("description")) missing.push_back(where + "/properties/" + key);
        }
    }
    for (const auto& [key, sub] : node.items()) {
        if (sub.is_object()) collect_undescribed(sub, where + "/" + key, missing);
        if (sub.is_array()) {
            for (std::size_t i = 0; i < sub.size(); ++i)
                collect_undescribed(sub[i], where + "/" + key + "/" + std::to_string(i), missing);
        }
    }
}

TEST(adapters_MetaSchema, EveryKeyAMappingMayHoldIsDescribed) {
    const auto schema = nlohmann::json::parse(read_file(default_meta_schema_path()));
    std::vector<std::string> missing;
    collect_undescribed(schema, "", missing);
    std::string list;
    for (const auto& m : missing) list += m + "\n";
    EXPECT_TRUE(missing.empty()) << "no description:\n" << list;
    EXPECT_TRUE(schema["properties"].contains("poll"));
}

}  // namespace
}  // namespace fieldgate::testing
