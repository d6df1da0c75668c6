// Loading mapping files: the meta-schema, semantic checks with file + JSON pointer, names.
#include "engine/spec_parser.h"
#include "result_json.h"
#include "test_support.h"

namespace fieldgate::testing {
namespace {

using nlohmann::json;

bool has_error(const std::vector<LoadError>& errors, const std::string& pointer,
               const std::string& words) {
    for (const auto& e : errors) {
        if (e.pointer == pointer && e.message.find(words) != std::string::npos) return true;
    }
    return false;
}

TEST(adapters_Loader, AValidMappingLoads) {
    TempDir dir;
    auto load = load_mapping(dir, base_mapping("test-vendor", "json"));
    EXPECT_TRUE(load.errors.empty()) << all_errors(load.errors);
    ASSERT_TRUE(load.vendor);
    EXPECT_EQ(load.vendor->spec.id, "test-vendor");
}

// Found by fuzz-mapping-file: a number too large for a double made the JSON parser throw
// out_of_range, which nothing caught, so a start or reload with such a file ended the process.
TEST(adapters_Loader, ANumberTooLargeForADoubleIsAnErrorNotACrash) {
    TempDir dir;
    write_file(dir.path() / "test-vendor" / "mapping.json", R"({"$schema": 7777e77777})");
    const auto load = loader().load_folder(dir.path() / "test-vendor");
    EXPECT_FALSE(load.vendor);
    ASSERT_EQ(load.errors.size(), 1u) << all_errors(load.errors);
    EXPECT_NE(load.errors[0].message.find("not valid JSON"), std::string::npos)
        << all_errors(load.errors);
}

TEST(adapters_Loader, AMapTargetThatIsNotACatalogCodeNamesFileAndPointer) {
    TempDir dir;
    auto m = base_mapping("test-vendor", "json");
    m["value_maps"]["reason"]["entries"]["NSO"] = "NOT_OUT";
    m["value_maps"]["status"]["entries"]["DONE"] = "FINISHED";
    auto load = load_mapping(dir, m);
    EXPECT_FALSE(load.vendor);
    EXPECT_TRUE(has_error(load.errors, "/value_maps/reason/entries/NSO", "NOT_OUT"))
        << all_errors(load.errors);
    EXPECT_TRUE(has_error(load.errors, "/value_maps/status/entries/DONE", "FINISHED"))
        << all_errors(load.errors);
    const auto text = load.errors.front().to_string();
    EXPECT_EQ(
        text.rfind((dir.path() / "test-vendor" / "mapping.json").string() + "#/value_maps/", 0), 0u)
        << text;
}

TEST(adapters_Loader, AReasonCodeIsNotAStatusTarget) {
    TempDir dir;
    auto m = base_mapping("test-vendor", "json");
    m["value_maps"]["status"]["entries"]["DONE"] = "NOT_SET_OUT";
    auto load = load_mapping(dir, m);
    EXPECT_TRUE(has_error(load.errors, "/value_maps/status/entries/DONE", "outcome or progress"))
        << all_errors(load.errors);
}

// The catalog says which outcomes a reason may come with. A reason map whose entry can meet a
// status the catalog does not pair it with is refused, naming the entry and the status entry.
TEST(adapters_Loader, AMappingThatCouldProduceAPairTheCatalogForbidsIsRefusedNamingTheEntry) {
    TempDir dir;
    auto m = base_mapping("test-vendor", "json");
    m["value_maps"]["status"]["entries"]["CXLD"] = "CANCELLED";
    auto load = load_mapping(dir, m);
    EXPECT_FALSE(load.vendor);
    // NOT_SET_OUT never comes with CANCELLED; OTHER may.
    EXPECT_TRUE(has_error(load.errors, "/value_maps/reason/entries/NSO",
                          "status 'CXLD' -> CANCELLED (/value_maps/status/entries/CXLD)"))
        << all_errors(load.errors);
    EXPECT_TRUE(has_error(load.errors, "/value_maps/reason/entries/NSO", "NOT_COLLECTED"))
        << all_errors(load.errors);
    EXPECT_FALSE(has_error(load.errors, "/value_maps/reason/entries/MISC", ""))
        << all_errors(load.errors);
}

TEST(adapters_Loader, AReasonEntryMayPinTheOutcomeItMeans) {
    TempDir dir;
    auto m = base_mapping("test-vendor", "json");
    m["value_maps"]["status"]["entries"]["PART"] = "PARTIALLY_COMPLETED";
    m["value_maps"]["reason"]["entries"]["CXL"] = "CUSTOMER_CANCELLED";
    auto refused = load_mapping(dir, m);
    EXPECT_TRUE(has_error(refused.errors, "/value_maps/reason/entries/CXL", "status 'PART'"))
        << all_errors(refused.errors);

    m["value_maps"]["reason"]["entries"]["CXL"] = {{"code", "CUSTOMER_CANCELLED"},
                                                   {"outcome", "NOT_COLLECTED"}};
    TempDir dir2;
    auto pinned = load_mapping(dir2, m);
    EXPECT_TRUE(pinned.errors.empty()) << all_errors(pinned.errors);
    ASSERT_TRUE(pinned.vendor);
    const auto out = pinned.vendor->adapter->normalize(
        R"({"id": "1", "sr": "SR-1", "status": "PART", "reason": "CXL"})");
    ASSERT_EQ(out.records.size(), 1u);
    ASSERT_TRUE(out.records[0].ok()) << error_lines(out);
    EXPECT_EQ(out.records[0].result->outcome, "NOT_COLLECTED");
    EXPECT_EQ(out.records[0].result->reason, "CUSTOMER_CANCELLED");

    m["value_maps"]["reason"]["entries"]["CXL"]["outcome"] = "PARTIALLY_COMPLETED";
    TempDir dir3;
    auto wrong_pin = load_mapping(dir3, m);
    EXPECT_TRUE(has_error(wrong_pin.errors, "/value_maps/reason/entries/CXL/outcome",
                          "pins PARTIALLY_COMPLETED"))
        << all_errors(wrong_pin.errors);

    m["value_maps"]["status"]["entries"]["DONE"] = {{"code", "COMPLETED"},
                                                    {"outcome", "COMPLETED"}};
    m["value_maps"]["reason"]["entries"]["CXL"]["outcome"] = "NOT_COLLECTED";
    TempDir dir4;
    auto status_pin = load_mapping(dir4, m);
    EXPECT_TRUE(has_error(status_pin.errors, "/value_maps/status/entries/DONE/outcome",
                          "only the entries of the reason field's map"))
        << all_errors(status_pin.errors);
}

TEST(adapters_Loader, AnUnknownKeyIsReportedAtItsPointer) {
    TempDir dir;
    auto m = base_mapping("test-vendor", "json");
    m["fields"]["vendor_ref"]["frm"] = "/x";
    m["colour"] = "blue";
    auto load = load_mapping(dir, m);
    EXPECT_FALSE(load.vendor);
    EXPECT_TRUE(has_error(load.errors, "/fields/vendor_ref/frm", "unknown key"))
        << all_errors(load.errors);
    EXPECT_TRUE(has_error(load.errors, "/colour", "unknown key")) << all_errors(load.errors);
}

TEST(adapters_Loader, AnUnknownCanonicalFieldIsRefused) {
    TempDir dir;
    auto m = base_mapping("test-vendor", "json");
    m["fields"]["colour"] = {{"from", "/c"}};
    auto load = load_mapping(dir, m);
    EXPECT_TRUE(has_error(load.errors, "/fields/colour", "unknown key")) << all_errors(load.errors);
}

TEST(adapters_Loader, MetaSchemaTypeViolationsNameThePointer) {
    TempDir dir;
    auto m = base_mapping("test-vendor", "json");
    m["status"] = "beta";
    m["transport"]["max_body_bytes"] = "big";
    m["fields"]["occurred_at"] = {{"from", "/t"}, {"format", "rfc2822"}};
    auto load = load_mapping(dir, m);
    std::set<std::string> pointers;
    for (const auto& e : load.errors) pointers.insert(e.pointer);
    EXPECT_TRUE(pointers.count("/status")) << all_errors(load.errors);
    EXPECT_TRUE(pointers.count("/transport/max_body_bytes")) << all_errors(load.errors);
    EXPECT_TRUE(pointers.count("/fields/occurred_at/format")) << all_errors(load.errors);
}

TEST(adapters_Loader, ARateLimitIsReadFromTheTransportBlockAndChecked) {
    TempDir dir;
    auto m = base_mapping("test-vendor", "json");
    auto none = load_mapping(dir, m);
    ASSERT_TRUE(none.vendor) << all_errors(none.errors);
    EXPECT_FALSE(none.vendor->spec.rate_limit);  // the gateway's default applies

    m["transport"]["rate_limit"] = {{"requests_per_second", 12.5}, {"burst", 40}};
    auto declared = load_mapping(dir, m);
    ASSERT_TRUE(declared.vendor) << all_errors(declared.errors);
    ASSERT_TRUE(declared.vendor->spec.rate_limit);
    EXPECT_EQ(*declared.vendor->spec.rate_limit, (RateLimit{12.5, 40}));

    m["transport"]["rate_limit"] = {{"requests_per_second", 0}, {"burst", 0}};
    auto bad = load_mapping(dir, m);
    std::set<std::string> pointers;
    for (const auto& e : bad.errors) pointers.insert(e.pointer);
    EXPECT_TRUE(pointers.count("/transport/rate_limit/requests_per_second"))
        << all_errors(bad.errors);
    EXPECT_TRUE(pointers.count("/transport/rate_limit/burst")) << all_errors(bad.errors);
}

TEST(adapters_Loader, VendorIdMustEqualTheFolderName) {
    TempDir dir;
    auto load = load_mapping(dir, base_mapping("test-vendor", "json"), "other-name");
    EXPECT_FALSE(load.vendor);
    EXPECT_TRUE(has_error(load.errors, "/vendor_id", "folder name")) << all_errors(load.errors);
}

TEST(adapters_Loader, DuplicateVendorIdsAreRefused) {
    TempDir dir;
    auto a = load_mapping(dir, base_mapping("dup", "json"));
    ASSERT_TRUE(a.vendor);
    auto copy = *a.vendor;
    auto result = VendorRegistry::from_entries({*a.vendor, copy});
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0].pointer, "/vendor_id");
    EXPECT_NE(result.errors[0].message.find("already used"), std::string::npos);
    EXPECT_EQ(result.registry->size(), 1u);
}

TEST(adapters_Loader, LoadAllReportsEveryBadFolderAndKeepsTheGoodOnes) {
    TempDir dir;
    write_file(dir.path() / "good" / "mapping.json", base_mapping("good", "json").dump());
    auto bad1 = base_mapping("bad-one", "json");
    bad1["time_zone"] = "Mars/Olympus";
    write_file(dir.path() / "bad-one" / "mapping.json", bad1.dump());
    write_file(dir.path() / "bad-two" / "mapping.json", "{ not json");
    write_file(dir.path() / "_template" / "mapping.json", "{ ignored");
    write_file(dir.path() / ".hidden" / "mapping.json", "{ ignored");
    auto load = loader().load_all(dir.path());
    EXPECT_EQ(load.registry->ids(), std::vector<std::string>{"good"});
    ASSERT_EQ(load.errors.size(), 2u) << all_errors(load.errors);
    EXPECT_EQ(load.errors[0].pointer, "/time_zone");
    EXPECT_NE(load.errors[1].file.find("bad-two"), std::string::npos);
    ASSERT_NE(load.registry->find("good"), nullptr);
    EXPECT_EQ(load.registry->find("bad-one"), nullptr);
}

TEST(adapters_Loader, SemanticChecksCarryPointers) {
    TempDir dir;
    auto m = base_mapping("test-vendor", "json");
    m["fields"]["service_date"] = {{"from", "/d"},
                                   {"format", "sql_datetime"}};   // date-time format on a date
    m["fields"]["truck"] = {{"from", "truck"}};                   // not a JSON pointer
    m["fields"]["lat"] = {{"from", "/lat"}, {"const", 1}};        // two sources
    m["fields"]["reason"]["map"] = "nope";                        // no such map
    m["fields"]["lon"] = {{"from", "/lon"}, {"type", "string"}};  // wrong type for lon
    auto load = load_mapping(dir, m);
    EXPECT_TRUE(has_error(load.errors, "/fields/service_date/format", "date-time format"))
        << all_errors(load.errors);
    EXPECT_TRUE(has_error(load.errors, "/fields/truck/from", "JSON pointer"))
        << all_errors(load.errors);
    EXPECT_TRUE(has_error(load.errors, "/fields/lat", "exactly one")) << all_errors(load.errors);
    EXPECT_TRUE(has_error(load.errors, "/fields/reason/map", "no value map"))
        << all_errors(load.errors);
    EXPECT_TRUE(has_error(load.errors, "/fields/lon/type", "number")) << all_errors(load.errors);
}

TEST(adapters_Loader, ClashingMapEntriesAreRefused) {
    TempDir dir;
    auto m = base_mapping("test-vendor", "json");
    m["value_maps"]["reason"]["case_insensitive"] = true;
    m["value_maps"]["reason"]["entries"]["nso"] = "NOT_SET_OUT";
    auto load = load_mapping(dir, m);
    EXPECT_FALSE(load.vendor);
    EXPECT_FALSE(load.errors.empty());
}

TEST(adapters_Loader, MappingVersionIsDeclaredVersionPlusContentHash) {
    // sha256("abc") = ba7816bf...
    EXPECT_EQ(engine::mapping_version("1.2.3", "abc"), "1.2.3+ba7816bf");
    TempDir dir;
    auto load = load_mapping(dir, base_mapping("test-vendor", "json"));
    ASSERT_TRUE(load.vendor);
    const auto bytes = read_file(dir.path() / "test-vendor" / "mapping.json");
    EXPECT_EQ(load.vendor->spec.mapping_version, engine::mapping_version("0.1.0", bytes));
}

TEST(adapters_Loader, VendorSpecsOfTheRealVendors) {
    auto load = loader().load_all(vendor_schemas_dir());
    ASSERT_TRUE(load.ok()) << all_errors(load.errors);
    EXPECT_EQ(load.registry->ids(),
              (std::vector<std::string>{"bay-hauling", "curbside-coop", "riverbend-recycling",
                                        "valley-disposal"}));

    const auto& bay = load.registry->find("bay-hauling")->spec;
    EXPECT_EQ(bay.format, "json");
    EXPECT_EQ(bay.content_types, std::vector<std::string>{"application/json"});
    EXPECT_EQ(bay.max_body_bytes, 4u * 1024 * 1024);
    EXPECT_EQ(bay.rate_limit, (RateLimit{25000, 5000}));
    EXPECT_EQ(load.registry->find("riverbend-recycling")->spec.rate_limit, std::nullopt);
    EXPECT_EQ(bay.auth.scheme, "bearer");
    EXPECT_EQ(bay.auth.secret, "bay-hauling/api-key");
    ASSERT_TRUE(bay.auth.signature);
    EXPECT_FALSE(bay.auth.signature->required);
    EXPECT_EQ(bay.auth.signature->secret, "bay-hauling/hmac-secret");
    EXPECT_EQ(bay.auth.signature->timestamp_header, "X-BH-Timestamp");
    EXPECT_EQ(bay.auth.signature->signature_header, "X-BH-Signature");
    EXPECT_EQ(bay.auth.signature->prefix, "sha256=");
    EXPECT_EQ(bay.auth.signature->signed_template, "{timestamp}.{body}");
    EXPECT_EQ(bay.auth.signature->replay_window_s, 300);
    EXPECT_EQ(bay.response.style, "json_report");
    EXPECT_TRUE(bay.customer_fields_allowed.empty());
    EXPECT_NE(bay.mapping_version.find('+'), std::string::npos);

    const auto& valley = load.registry->find("valley-disposal")->spec;
    EXPECT_EQ(valley.content_types, std::vector<std::string>{"text/xml"});
    EXPECT_EQ(valley.auth.scheme, "wsse_username_token");
    EXPECT_EQ(valley.auth.username, "city-of-sj");
    EXPECT_EQ(valley.auth.secret, "valley-disposal/password");
    EXPECT_EQ(valley.response.style, "soap");
    EXPECT_EQ(valley.response.soap_element, "NotifyEventUpdatedResponse");
    EXPECT_EQ(valley.response.soap_namespace, "http://valleydisposal.example/ens");

    const auto& curb = load.registry->find("curbside-coop")->spec;
    EXPECT_EQ(curb.content_types, std::vector<std::string>{"text/csv"});
    EXPECT_EQ(curb.auth.scheme, "api_key_header");
    EXPECT_EQ(curb.auth.header, "X-Api-Key");
    EXPECT_EQ(curb.auth.secret, "curbside-coop/api-key");
    EXPECT_EQ(curb.response.style, "csv_report");
    EXPECT_EQ(curb.time_zone, "America/Los_Angeles");
}

}  // namespace
}  // namespace fieldgate::testing

namespace fieldgate::testing {
namespace {

TEST(adapters_Loader, DispatchIsPullAndNoResidentFieldsByDefault) {
    TempDir dir;
    auto load = load_mapping(dir, base_mapping("test-vendor", "json"));
    ASSERT_TRUE(load.vendor) << all_errors(load.errors);
    EXPECT_EQ(load.vendor->spec.dispatch.mode, "pull");
    EXPECT_FALSE(load.vendor->spec.dispatch.push());
    EXPECT_TRUE(load.vendor->spec.customer_fields_allowed.empty());
}

TEST(adapters_Loader, APushVendorNamesItsUrlAndSigningSecret) {
    TempDir dir;
    auto m = base_mapping("test-vendor", "json");
    m["dispatch"] = {{"mode", "push"},
                     {"push_url", "http://127.0.0.1:9099/hooks/orders?v=2"},
                     {"secret", "test-vendor/push-secret"}};
    m["customer_fields_allowed"] = {"name", "phone"};
    auto load = load_mapping(dir, m);
    ASSERT_TRUE(load.vendor) << all_errors(load.errors);
    const auto& d = load.vendor->spec.dispatch;
    EXPECT_TRUE(d.push());
    EXPECT_EQ(d.push_host, "127.0.0.1");
    EXPECT_EQ(d.push_port, 9099);
    EXPECT_EQ(d.push_target, "/hooks/orders?v=2");
    EXPECT_EQ(d.secret, "test-vendor/push-secret");
    EXPECT_EQ(load.vendor->spec.customer_fields_allowed,
              (std::vector<std::string>{"name", "phone"}));

    m["dispatch"]["push_url"] = "http://dispatch.example";
    load = load_mapping(dir, m);
    ASSERT_TRUE(load.vendor) << all_errors(load.errors);
    EXPECT_EQ(load.vendor->spec.dispatch.push_port, 80);
    EXPECT_EQ(load.vendor->spec.dispatch.push_target, "/");
}

TEST(adapters_Loader, DispatchSettingsThatDoNotFitTheModeAreRefused) {
    TempDir dir;
    auto m = base_mapping("test-vendor", "json");
    m["dispatch"] = {{"mode", "push"}};
    auto load = load_mapping(dir, m);
    EXPECT_FALSE(load.vendor);
    EXPECT_TRUE(has_error(load.errors, "/dispatch", "push_url")) << all_errors(load.errors);
    EXPECT_TRUE(has_error(load.errors, "/dispatch", "secret")) << all_errors(load.errors);

    m["dispatch"] = {{"mode", "pull"}, {"push_url", "http://x:1/"}};
    load = load_mapping(dir, m);
    EXPECT_TRUE(has_error(load.errors, "/dispatch/push_url", "only applies"))
        << all_errors(load.errors);

    m["dispatch"] = {{"mode", "push"}, {"push_url", "http://x:70000/"}, {"secret", "s"}};
    load = load_mapping(dir, m);
    EXPECT_TRUE(has_error(load.errors, "/dispatch/push_url", "port")) << all_errors(load.errors);

    m["dispatch"] = {{"mode", "push"}, {"push_url", "ftp://x/"}, {"secret", "s"}};
    EXPECT_FALSE(load_mapping(dir, m).vendor);  // the meta-schema's pattern
    m["dispatch"] = {{"mode", "carrier-pigeon"}};
    EXPECT_FALSE(load_mapping(dir, m).vendor);
    m.erase("dispatch");
    m["customer_fields_allowed"] = {"ssn"};
    EXPECT_FALSE(load_mapping(dir, m).vendor);
}

TEST(adapters_Loader, TheShippedVendorsArePulledAndSeeNoResidentContact) {
    auto load = loader().load_all(vendor_schemas_dir());
    ASSERT_TRUE(load.ok()) << all_errors(load.errors);
    for (const auto& [id, entry] : load.registry->vendors()) {
        EXPECT_EQ(entry.spec.dispatch.mode, "pull") << id;
        for (const auto& field : entry.spec.customer_fields_allowed) {
            EXPECT_NE(field, "phone") << id;
            EXPECT_NE(field, "email") << id;
        }
    }
}

}  // namespace
}  // namespace fieldgate::testing
