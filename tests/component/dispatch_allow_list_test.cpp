// Dispatch from a vendor folder changed by integration staff: a vendor allowed the resident's
// phone, with its orders pushed to it, and a push vendor missing its signing secret.
#include <filesystem>

#include "dispatch_fixture.h"
#include "support/recording_receiver.h"
#include "support/webhook_signer.h"

namespace fieldgate::test {
namespace {

// A vendor folder copied to a temporary folder and changed the way integration staff would:
// Bay may see the resident's phone (not the e-mail), and wants pushes.
TEST(DispatchAllowList, AVendorAllowedThePhoneSeesItInPullAndPushButNeverTheEmail) {
    RecordingReceiver bay_endpoint;
    TempDir schemas;
    const auto folder = schemas.path() / "bay-hauling";
    std::filesystem::copy(source_path("vendor_schemas/bay-hauling"), folder,
                          std::filesystem::copy_options::recursive);
    auto mapping = nlohmann::json::parse(std::ifstream(folder / "mapping.json"));
    mapping["customer_fields_allowed"] = {"phone"};
    mapping["dispatch"] = {
        {"mode", "push"},
        {"push_url", "http://127.0.0.1:" + std::to_string(bay_endpoint.port()) + "/bay/orders"},
        {"secret", "bay-hauling/push-secret"}};
    std::ofstream(folder / "mapping.json") << mapping.dump(2);
    const std::string push_key = "bay-push-key";

    // Secrets may come from the environment as well as from files.
    ::setenv("FIELDGATE_SECRET_BAY_HAULING_PUSH_SECRET", whsec(push_key).c_str(), 1);
    GatewayProcess gateway(nlohmann::json{{"vendor_schemas", schemas.path().string()},
                                          {"delivery", {{"poll_interval_ms", 200}}}});
    ::unsetenv("FIELDGATE_SECRET_BAY_HAULING_PUSH_SECRET");
    auto c = gateway.client();
    const std::string sr = unique("SR");
    auto created = gateway.create_order(c, work_order_body(sr, "bay-hauling"));
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string id = nlohmann::json::parse(created.body)["id"];
    const sim::HeaderList key = {{"Authorization", "Bearer " + gateway.secrets.bay}};

    // Pull: the feed and the order by id.
    auto feed = c.get("/v1/vendors/bay-hauling/work-orders", key);
    ASSERT_EQ(feed.status, 200) << feed.body;
    const auto items = nlohmann::json::parse(feed.body)["items"];
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0]["work_order"]["customer"], nlohmann::json({{"phone", "408-555-0100"}}));
    auto one = c.get("/v1/vendors/bay-hauling/work-orders/" + id, key);
    ASSERT_EQ(one.status, 200);
    EXPECT_NE(one.body.find("408-555-0100"), std::string::npos);
    EXPECT_EQ(one.body.find("ana@example.org"), std::string::npos);
    EXPECT_EQ(one.body.find("Ana Resident"), std::string::npos);

    // Push: delivered by the delivery worker to the vendor's endpoint, signed, in order.
    ASSERT_EQ(
        c.post("/v1/work-orders/" + id + "/cancel", "", "application/json", gateway.crm_headers())
            .status,
        200);
    const auto pushes = bay_endpoint.wait_for(2, std::chrono::seconds(15));
    ASSERT_EQ(pushes.size(), 2u) << gateway.log_text();
    std::vector<std::string> changes;
    for (const auto& push : pushes) {
        EXPECT_EQ(push.path, "/bay/orders");
        const std::string webhook_id(*push.header("webhook-id"));
        const std::string timestamp(*push.header("webhook-timestamp"));
        EXPECT_EQ(std::string(*push.header("webhook-signature")),
                  webhook_signature(push_key, webhook_id, timestamp, push.body));
        const auto body = nlohmann::json::parse(push.body);
        EXPECT_EQ(body["event_id"], webhook_id);
        EXPECT_EQ(body["work_order"]["crm_case_id"], sr);
        EXPECT_EQ(body["work_order"]["customer"], nlohmann::json({{"phone", "408-555-0100"}}));
        EXPECT_EQ(push.body.find("ana@example.org"), std::string::npos);
        changes.push_back(str(body["change"]));
    }
    EXPECT_EQ(changes, (std::vector<std::string>{"assigned", "cancelled"}));
}

TEST(DispatchAllowList, APushVendorWithoutItsSigningSecretRefusesToStart) {
    TempDir schemas;
    const auto folder = schemas.path() / "bay-hauling";
    std::filesystem::copy(source_path("vendor_schemas/bay-hauling"), folder,
                          std::filesystem::copy_options::recursive);
    auto mapping = nlohmann::json::parse(std::ifstream(folder / "mapping.json"));
    mapping["dispatch"] = {{"mode", "push"},
                           {"push_url", "http://127.0.0.1:9/bay/orders"},
                           {"secret", "bay-hauling/push-secret"}};
    std::ofstream(folder / "mapping.json") << mapping.dump(2);
    try {
        GatewayProcess gateway(nlohmann::json{{"vendor_schemas", schemas.path().string()}});
        FAIL() << "the gateway started without the push signing secret";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("bay-hauling/push-secret"), std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace fieldgate::test
