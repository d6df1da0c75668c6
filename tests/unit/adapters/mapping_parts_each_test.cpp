// Taking values apart through a real mapping.json: `each` for lists of objects.
#include "mapping_parts_support.h"

namespace fieldgate::testing {
namespace {

using nlohmann::json;

// --- each ----------------------------------------------------------------------------------

json photos_mapping() {
    auto m = base_mapping("v", "json");
    m["fields"]["photos"] = {{"from", "/photos"}, {"type", "string_list"}, {"each", "/href"}};
    return m;
}

TEST(adapters_MappingParts, EachTakesOneValueOutOfEveryElement) {
    const auto r = only_ok(
        run(photos_mapping(), record(R"("photos":[{"href":"a.jpg","w":1},{"href":" b.jpg "}])")));
    EXPECT_EQ(r.photos, (std::vector<std::string>{"a.jpg", "b.jpg"}));
    // A deeper pointer inside each element.
    auto m = photos_mapping();
    m["fields"]["photos"]["each"] = "/links/full";
    EXPECT_EQ(only_ok(run(m, record(R"("photos":[{"links":{"full":"f.jpg"}}])"))).photos,
              std::vector<std::string>{"f.jpg"});
}

TEST(adapters_MappingParts, EachOnASingleObjectIsAOneElementList) {
    EXPECT_EQ(only_ok(run(photos_mapping(), record(R"("photos":{"href":"only.jpg"})"))).photos,
              std::vector<std::string>{"only.jpg"});
}

TEST(adapters_MappingParts, EachSkipsElementsWithNothingThere) {
    const auto r = only_ok(run(
        photos_mapping(),
        record(
            R"("photos":[{"href":"a.jpg"},{"caption":"uploading"},{"href":null},null,{"href":""},{"href":"b.jpg"}])")));
    EXPECT_EQ(r.photos, (std::vector<std::string>{"a.jpg", "b.jpg"}));
    EXPECT_TRUE(
        only_ok(run(photos_mapping(), record(R"("photos":[{"caption":"x"}])"))).photos.empty());
    EXPECT_TRUE(only_ok(run(photos_mapping(), record(R"("photos":[])"))).photos.empty());
    EXPECT_TRUE(only_ok(run(photos_mapping(), record(R"("other":1)"))).photos.empty());
}

TEST(adapters_MappingParts, EachRefusesElementsThatAreNotObjectsAndValuesThatAreNotText) {
    auto e = only_error(run(photos_mapping(), record(R"("photos":[{"href":"a.jpg"},"b.jpg"])")));
    EXPECT_EQ(e.code, "invalid_type");
    EXPECT_EQ(e.pointer, "/photos/1");
    EXPECT_EQ(e.detail,
              "'photos.1' is \"b.jpg\"; each item of 'photos' must be an object holding '/href'.");
    e = only_error(run(photos_mapping(), record(R"("photos":[{"href":{"url":"a"}}])")));
    EXPECT_EQ(e.code, "invalid_type");
    EXPECT_EQ(e.pointer, "/photos/0/href");
    EXPECT_EQ(e.field, "photos.0.href");
    // Limits apply to each value, named by its own pointer.
    auto m = photos_mapping();
    m["fields"]["photos"]["max_length"] = 5;
    e = only_error(run(m, record(R"("photos":[{"href":"a.jpg"},{"href":"toolong.jpg"}])")));
    EXPECT_EQ(e.code, "too_long");
    EXPECT_EQ(e.pointer, "/photos/1/href");
    m["fields"]["photos"]["max_length"] = 100;
    m["fields"]["photos"]["max_items"] = 2;
    e = only_error(run(m, record(R"("photos":[{"href":"a"},{"href":"b"},{"x":1}])")));
    EXPECT_EQ(e.code, "too_long");
}

TEST(adapters_MappingParts, EachIsForJsonStringLists) {
    auto m = base_mapping("v", "json");
    m["fields"]["truck"] = {{"from", "/t"}, {"each", "/id"}};
    auto errors = load_errors(m);
    EXPECT_TRUE(has(errors, "/fields/truck/each: 'each' reads one value out of every element"))
        << errors;
    auto relative = photos_mapping();
    relative["fields"]["photos"]["each"] = "href";
    EXPECT_TRUE(has(load_errors(relative), "/fields/photos/each")) << load_errors(relative);
    auto x = base_mapping("v", "xml");
    x["fields"]["photos"] = {{"from", "Images/Image"}, {"type", "string_list"}, {"each", "/Url"}};
    errors = load_errors(x);
    EXPECT_TRUE(has(errors,
                    "/fields/photos/each: xml has no 'each': name the repeated "
                    "element's child in 'from'"))
        << errors;
}

}  // namespace
}  // namespace fieldgate::testing
