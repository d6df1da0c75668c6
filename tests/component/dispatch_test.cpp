// Dispatch on the real gateway over loopback HTTP: assignment rules, the CRM's cancel and
// reschedule, the vendors' pull feed, vendors kept apart, and resident details kept home.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <filesystem>
#include <set>

#include "read_pool.h"
#include "registry.h"
#include "sqlite_transaction.h"
#include "support/gateway_process.h"
#include "support/recording_receiver.h"
#include "support/vendor_payloads.h"
#include "support/webhook_signer.h"
#include "transaction.h"
#include "vendor_view.h"

namespace fieldgate::test {
namespace {

const nlohmann::json kDowntown = {
    {-121.900, 37.325}, {-121.880, 37.325}, {-121.880, 37.345}, {-121.900, 37.345}};

// Rules, first match wins: ZIP 95116 -> Curbside; downtown -> Valley; weekends -> Curbside;
// everything else -> Bay.
nlohmann::json rules_config() {
    return {{"assignment",
             {{"rules",
               {{{"service_type", "bulky_item"},
                 {"vendor", "curbside-coop"},
                 {"postal_codes", {"95116"}}},
                {{"service_type", "*"}, {"vendor", "valley-disposal"}, {"polygon", kDowntown}},
                {{"service_type", "bulky_item"},
                 {"vendor", "curbside-coop"},
                 {"weekdays", {"sat", "sun"}}},
                {{"service_type", "*"}, {"vendor", "bay-hauling"}}}}}}};
}

std::string base64(const std::string& in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(in.data()),
                                  static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string str(const nlohmann::json& j) {
    return j.get<std::string>();
}

std::string unique(const std::string& prefix) {
    static int n = 0;
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

nlohmann::json problem(const sim::ClientResponse& r) {
    EXPECT_EQ(r.header("content-type").value_or(""), "application/problem+json") << r.body;
    return nlohmann::json::parse(r.body, nullptr, false);
}

// Everything one vendor reads of the gateway, with its own credentials.
class VendorReader {
  public:
    VendorReader(const GatewayProcess& g, std::string vendor, sim::HeaderList credentials)
        : g_(g), vendor_(std::move(vendor)), credentials_(std::move(credentials)) {}

    sim::ClientResponse feed(const std::string& query = "") const {
        auto c = g_.client();
        return c.get("/v1/vendors/" + vendor_ + "/work-orders" + query, credentials_);
    }
    sim::ClientResponse order(const std::string& id) const {
        auto c = g_.client();
        return c.get("/v1/vendors/" + vendor_ + "/work-orders/" + id, credentials_);
    }
    // The cursor at the end of the feed now.
    std::int64_t end_cursor() const {
        std::int64_t cursor = 0;
        for (;;) {
            auto r = feed("?limit=500&cursor=" + std::to_string(cursor));
            EXPECT_EQ(r.status, 200) << r.body;
            const auto page = nlohmann::json::parse(r.body);
            if (page["items"].empty()) return cursor;
            cursor = page["next_cursor"];
        }
    }
    // Every item of the feed from the start.
    std::vector<nlohmann::json> all_items() const {
        std::vector<nlohmann::json> items;
        std::int64_t cursor = 0;
        for (;;) {
            auto r = feed("?limit=500&cursor=" + std::to_string(cursor));
            EXPECT_EQ(r.status, 200) << r.body;
            const auto page = nlohmann::json::parse(r.body);
            if (page["items"].empty()) return items;
            for (const auto& item : page["items"]) items.push_back(item);
            cursor = page["next_cursor"];
        }
    }

  private:
    const GatewayProcess& g_;
    std::string vendor_;
    sim::HeaderList credentials_;
};

class Dispatch : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gateway_ = new GatewayProcess(rules_config()); }
    static void TearDownTestSuite() {
        delete gateway_;
        gateway_ = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(gateway_->running()) << gateway_->log_text(); }

    static VendorReader bay() {
        return VendorReader(*gateway_, "bay-hauling",
                            {{"Authorization", "Bearer " + gateway_->secrets.bay}});
    }
    static VendorReader valley() {
        return VendorReader(
            *gateway_, "valley-disposal",
            {{"Authorization", "Basic " + base64("city-of-sj:" + gateway_->secrets.valley)}});
    }
    static VendorReader curbside() {
        return VendorReader(*gateway_, "curbside-coop",
                            {{"X-Api-Key", gateway_->secrets.curbside}});
    }

    // A new order through the CRM API; returns its JSON.
    static nlohmann::json create(const nlohmann::json& body) {
        auto c = gateway_->client();
        auto r = gateway_->create_order(c, body);
        EXPECT_EQ(r.status, 201) << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }
    static nlohmann::json create_for(const std::string& vendor) {
        return create(work_order_body(unique("SR"), vendor));
    }
    // An order the rules assign: at `lat,lon`, on `date`, with `address`, maybe a postal code.
    static nlohmann::json create_unassigned(const std::string& address, double lat, double lon,
                                            const std::string& date,
                                            const std::string& postal_code = "") {
        auto body = work_order_body(unique("SR"), "", "R-A", 1, date);
        body.erase("vendor");
        body["address"] = address;
        body["location"] = {{"lat", lat}, {"lon", lon}};
        if (!postal_code.empty()) body["postal_code"] = postal_code;
        return create(body);
    }

    static sim::ClientResponse post_change(const std::string& id, const std::string& action,
                                           const std::string& body) {
        auto c = gateway_->client();
        return c.post("/v1/work-orders/" + id + "/" + action, body, "application/json",
                      gateway_->crm_headers());
    }
    static nlohmann::json crm_view(const std::string& id) {
        auto c = gateway_->client();
        auto r = c.get("/v1/work-orders/" + id, gateway_->crm_headers());
        EXPECT_EQ(r.status, 200) << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }
    static std::int64_t scalar(const std::string& sql, const std::string& arg) {
        store::ReadPool reads(gateway_->db_path());
        auto db = reads.acquire();
        auto q = store::sqlite_connection(*db).prepare(sql);
        q->bind(1, arg);
        q->step();
        return q->integer(0);
    }

    static GatewayProcess* gateway_;
};

GatewayProcess* Dispatch::gateway_ = nullptr;

TEST_F(Dispatch, TheRulesAssignByPostalCodeZoneAndWeekday) {
    // 2026-02-03 is a Tuesday, 2026-02-07 a Saturday. Outside downtown: 37.30121,-121.85112.
    auto by_zip =
        create_unassigned("1 Story Rd, San Jose, CA 95116", 37.30121, -121.85112, "2026-02-03");
    EXPECT_EQ(by_zip["vendor"], "curbside-coop");
    EXPECT_EQ(by_zip["postal_code"], "95116");  // taken from the address and stored
    auto given_zip =
        create_unassigned("1 Story Rd, San Jose", 37.30121, -121.85112, "2026-02-03", "95116-2201");
    EXPECT_EQ(given_zip["vendor"], "curbside-coop");
    EXPECT_EQ(crm_view(str(given_zip["id"]))["postal_code"], "95116-2201");

    auto downtown = create_unassigned("200 E Santa Clara St, San Jose, CA 95113", 37.33452,
                                      -121.88861, "2026-02-03");
    EXPECT_EQ(downtown["vendor"], "valley-disposal");
    // The same place on a Saturday: the zone rule comes first and still wins.
    EXPECT_EQ(create_unassigned("200 E Santa Clara St, San Jose, CA 95113", 37.33452, -121.88861,
                                "2026-02-07")["vendor"],
              "valley-disposal");

    auto weekend =
        create_unassigned("5 Almaden Expy, San Jose, CA 95120", 37.30121, -121.85112, "2026-02-07");
    EXPECT_EQ(weekend["vendor"], "curbside-coop");
    auto weekday =
        create_unassigned("5 Almaden Expy, San Jose, CA 95120", 37.30121, -121.85112, "2026-02-03");
    EXPECT_EQ(weekday["vendor"], "bay-hauling");

    auto c = gateway_->client();
    auto bad = work_order_body(unique("SR"), "bay-hauling");
    bad["postal_code"] = "9511";
    auto r = gateway_->create_order(c, bad);
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(problem(r)["pointer"], "/postal_code");
}

TEST_F(Dispatch, CancelClosesTheOrderOnceAndAClosedOrderCannotBeCancelled) {
    const auto wo = create_for("bay-hauling");
    const std::string id = wo["id"];
    auto r = post_change(id, "cancel", R"({"reason":"resident cancelled by phone"})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto cancelled = nlohmann::json::parse(r.body);
    EXPECT_EQ(cancelled["status"], "cancelled");
    EXPECT_EQ(cancelled["history"].back()["to"], "cancelled");
    EXPECT_EQ(cancelled["history"].back()["source"], "crm");
    EXPECT_NE(cancelled["history"].back()["note"].get<std::string>().find("resident cancelled"),
              std::string::npos);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE work_order_id = ? AND destination = 'crm' "
                     "AND event_type = 'gov.sanjose.workorder.cancelled'",
                     id),
              1);

    // Again: the same order, nothing new.
    auto c = gateway_->client();
    auto again = c.post("/v1/work-orders/" + id + "/cancel", "", "application/json",
                        gateway_->crm_headers());
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(nlohmann::json::parse(again.body)["history"].size(), cancelled["history"].size());
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE work_order_id = ? AND destination = 'crm' "
                     "AND event_type = 'gov.sanjose.workorder.cancelled'",
                     id),
              1);

    // A vendor result after the city cancelled is refused.
    const std::string sr = wo["crm_case_id"];
    auto late = c.post("/v1/vendors/bay-hauling/results",
                       bay_result(unique("BH"), sr, "Confirmed Positive").dump(),
                       "application/json", {{"Authorization", "Bearer " + gateway_->secrets.bay}});
    EXPECT_EQ(late.status, 409) << late.body;
    EXPECT_NE(late.body.find("work-order-cancelled"), std::string::npos) << late.body;
    EXPECT_EQ(crm_view(id)["status"], "cancelled");

    // An order with a final outcome cannot be cancelled (or rescheduled).
    const auto done = create_for("bay-hauling");
    auto result =
        c.post("/v1/vendors/bay-hauling/results",
               bay_result(unique("BH"), str(done["crm_case_id"]), "Confirmed Positive").dump(),
               "application/json", {{"Authorization", "Bearer " + gateway_->secrets.bay}});
    ASSERT_EQ(result.status, 200) << result.body;
    auto closed = post_change(str(done["id"]), "cancel", "{}");
    EXPECT_EQ(closed.status, 409);
    EXPECT_EQ(problem(closed)["type"], "https://fieldgate.example/problems/work-order-closed");
    auto moved = post_change(str(done["id"]), "reschedule", R"({"scheduled_date":"2026-02-10"})");
    EXPECT_EQ(moved.status, 409);
    EXPECT_EQ(crm_view(str(done["id"]))["status"], "completed");
}

TEST_F(Dispatch, RescheduleMovesTheOrderAndSendsItBackToDispatched) {
    const auto wo = create_for("valley-disposal");
    const std::string id = wo["id"];
    // Valley says the crew is on its way.
    auto c = gateway_->client();
    auto en_route = c.post("/v1/vendors/valley-disposal/results",
                           valley_event(unique("g"), str(wo["crm_case_id"]), 7669, 0, "city-of-sj",
                                        gateway_->secrets.valley),
                           "text/xml", {});
    ASSERT_EQ(en_route.status, 200) << en_route.body;
    ASSERT_EQ(crm_view(id)["status"], "en_route");

    const std::string body =
        R"({"scheduled_date":"2026-02-10","window":{"start":"08:00","end":"12:00"}})";
    auto r = post_change(id, "reschedule", body);
    ASSERT_EQ(r.status, 200) << r.body;
    auto moved = nlohmann::json::parse(r.body);
    EXPECT_EQ(moved["status"], "dispatched");
    EXPECT_EQ(moved["scheduled_date"], "2026-02-10");
    EXPECT_EQ(moved["window"]["start"], "08:00");
    const auto& last = moved["history"].back();
    EXPECT_EQ(last["from"], "en_route");
    EXPECT_EQ(last["to"], "dispatched");
    EXPECT_EQ(last["source"], "crm");
    EXPECT_NE(last["note"].get<std::string>().find("2026-02-03"), std::string::npos);
    EXPECT_NE(last["note"].get<std::string>().find("2026-02-10"), std::string::npos);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE work_order_id = ? AND destination = 'crm' "
                     "AND event_type = 'gov.sanjose.workorder.rescheduled' AND "
                     "json_extract(extra, '$.previous_date') = '2026-02-03'",
                     id),
              1);

    // The same schedule again: 200, nothing new.
    auto again = post_change(id, "reschedule", body);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(nlohmann::json::parse(again.body)["history"].size(), moved["history"].size());

    auto bad_date = post_change(id, "reschedule", R"({"scheduled_date":"2026-02-30"})");
    EXPECT_EQ(bad_date.status, 422);
    EXPECT_EQ(problem(bad_date)["pointer"], "/scheduled_date");
    auto bad_window =
        post_change(id, "reschedule",
                    R"({"scheduled_date":"2026-02-11","window":{"start":"8:00am","end":"12:00"}})");
    EXPECT_EQ(bad_window.status, 422);
    EXPECT_EQ(problem(bad_window)["pointer"], "/window/start");

    // Cancelled orders stay cancelled; unknown ones are 404; the CRM token is required.
    ASSERT_EQ(post_change(id, "cancel", "").status, 200);
    auto after_cancel = post_change(id, "reschedule", R"({"scheduled_date":"2026-02-12"})");
    EXPECT_EQ(after_cancel.status, 409);
    EXPECT_EQ(problem(after_cancel)["type"],
              "https://fieldgate.example/problems/work-order-cancelled");
    EXPECT_EQ(post_change("wo_nope", "cancel", "").status, 404);
    EXPECT_EQ(post_change("wo_nope", "reschedule", R"({"scheduled_date":"2026-02-12"})").status,
              404);
    EXPECT_EQ(c.post("/v1/work-orders/" + id + "/cancel", "", "application/json").status, 401);
}

TEST_F(Dispatch, ThePullFeedPagesAssignedCancelledAndRescheduledInOrder) {
    const auto reader = valley();  // HTTP Basic with the WS-Security user and password
    const auto start = reader.end_cursor();
    const auto a = create_for("valley-disposal");
    ASSERT_EQ(post_change(str(a["id"]), "cancel", "").status, 200);
    const auto b = create_for("valley-disposal");
    ASSERT_EQ(post_change(str(b["id"]), "reschedule", R"({"scheduled_date":"2026-02-09"})").status,
              200);

    std::vector<std::pair<std::string, std::string>> seen;
    std::int64_t cursor = start;
    std::int64_t previous_seq = start;
    for (int page = 0; page < 10; ++page) {
        auto r = reader.feed("?limit=1&cursor=" + std::to_string(cursor));
        ASSERT_EQ(r.status, 200) << r.body;
        const auto body = nlohmann::json::parse(r.body);
        if (body["items"].empty()) {
            EXPECT_EQ(body["next_cursor"], cursor);  // nothing new: the cursor stays
            break;
        }
        ASSERT_EQ(body["items"].size(), 1u);
        const auto& item = body["items"][0];
        EXPECT_GT(item["seq"].get<std::int64_t>(), previous_seq);
        previous_seq = item["seq"];
        EXPECT_EQ(body["next_cursor"], item["seq"]);
        seen.emplace_back(str(item["work_order"]["id"]), str(item["change"]));
        if (item["change"] == "rescheduled") {
            EXPECT_EQ(item["work_order"]["scheduled_date"], "2026-02-09");
        }
        cursor = body["next_cursor"];
    }
    const std::vector<std::pair<std::string, std::string>> expected = {
        {str(a["id"]), "assigned"},
        {str(a["id"]), "cancelled"},
        {str(b["id"]), "assigned"},
        {str(b["id"]), "rescheduled"}};
    EXPECT_EQ(seen, expected);

    // Bigger pages give the same rows.
    auto r = reader.feed("?cursor=" + std::to_string(start));  // default limit
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(nlohmann::json::parse(r.body)["items"].size(), 4u);

    // One order by id: its vendor view.
    auto one = reader.order(str(b["id"]));
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(nlohmann::json::parse(one.body)["scheduled_date"], "2026-02-09");

    for (const char* query :
         {"?cursor=-1", "?cursor=abc", "?cursor=", "?limit=0", "?limit=501", "?limit=10x"}) {
        auto bad = reader.feed(query);
        EXPECT_EQ(bad.status, 400) << query;
        const std::string name = std::string(query).substr(1, std::string(query).find('=') - 1);
        EXPECT_EQ(problem(bad)["pointer"], name) << query;
    }
    // A wrong password, and WS-Security's user with Bay's key, are both refused.
    auto c = gateway_->client();
    auto wrong = c.get("/v1/vendors/valley-disposal/work-orders",
                       {{"Authorization", "Basic " + base64("city-of-sj:nope")}});
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(wrong.header("www-authenticate").value_or(""), "Basic realm=\"fieldgate\"");
    EXPECT_EQ(c.get("/v1/vendors/valley-disposal/work-orders").status, 401);
    EXPECT_EQ(c.get("/v1/vendors/nobody/work-orders").status, 404);
}

TEST_F(Dispatch, AVendorCannotSeeOrTouchAnotherVendorsOrders) {
    const auto bays = create_for("bay-hauling");
    const auto curbs = create_for("curbside-coop");
    const std::string curb_id = curbs["id"];

    // Bay's feed holds Bay's order and none of Curbside's.
    std::set<std::string> in_bay_feed;
    for (const auto& item : bay().all_items()) in_bay_feed.insert(str(item["work_order"]["id"]));
    EXPECT_EQ(in_bay_feed.count(str(bays["id"])), 1u);
    EXPECT_EQ(in_bay_feed.count(curb_id), 0u);
    for (const auto& id : in_bay_feed) EXPECT_EQ(crm_view(id)["vendor"], "bay-hauling") << id;

    // By id: Curbside's order answers exactly like an unknown one.
    auto foreign = bay().order(curb_id);
    auto unknown = bay().order("wo_00000000000000000000");
    EXPECT_EQ(foreign.status, 404);
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(problem(foreign)["type"], problem(unknown)["type"]);
    EXPECT_EQ(foreign.body.find(str(curbs["crm_case_id"])), std::string::npos);
    EXPECT_EQ(curbside().order(curb_id).status, 200);

    // Bay's key does not open Curbside's routes.
    auto c = gateway_->client();
    EXPECT_EQ(c.get("/v1/vendors/curbside-coop/work-orders",
                    {{"Authorization", "Bearer " + gateway_->secrets.bay}})
                  .status,
              401);
    EXPECT_EQ(c.get("/v1/vendors/curbside-coop/work-orders/" + curb_id,
                    {{"X-Api-Key", gateway_->secrets.bay}})
                  .status,
              401);

    // And a result Bay posts for Curbside's order is refused, the order untouched.
    auto result =
        c.post("/v1/vendors/bay-hauling/results",
               bay_result(unique("BH"), str(curbs["crm_case_id"]), "Confirmed Positive").dump(),
               "application/json", {{"Authorization", "Bearer " + gateway_->secrets.bay}});
    EXPECT_EQ(result.status, 422) << result.body;
    EXPECT_NE(result.body.find("unknown-work-order"), std::string::npos) << result.body;
    EXPECT_EQ(crm_view(curb_id)["status"], "dispatched");
}

TEST_F(Dispatch, NoVendorSeesThePhoneOrEmailOfAResidentByDefault) {
    // work_order_body carries name, phone 408-555-0100 and ana@example.org.
    const auto orders = {create_for("bay-hauling"), create_for("valley-disposal"),
                         create_for("curbside-coop")};
    for (const auto& reader : {bay(), valley(), curbside()}) {
        const auto items = reader.all_items();
        ASSERT_FALSE(items.empty());
        for (const auto& item : items) {
            const auto text = item.dump();
            EXPECT_EQ(text.find("408-555-0100"), std::string::npos) << text;
            EXPECT_EQ(text.find("ana@example.org"), std::string::npos) << text;
            EXPECT_EQ(item["work_order"]["customer"], nlohmann::json::object()) << text;
        }
    }
    for (const auto& wo : orders) {
        const std::string vendor = wo["vendor"];
        const auto reader = vendor == "bay-hauling"       ? bay()
                            : vendor == "valley-disposal" ? valley()
                                                          : curbside();
        auto r = reader.order(str(wo["id"]));
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.body.find("408-555-0100"), std::string::npos) << r.body;
        EXPECT_EQ(r.body.find("ana@example.org"), std::string::npos) << r.body;
        // The CRM still sees them: they were stored, just not handed out.
        EXPECT_EQ(crm_view(str(wo["id"]))["customer"]["phone"], "408-555-0100");
    }
    // The shipped vendors are all pulled: nothing is queued to be pushed to them.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE destination <> ?", "crm"), 0);
}

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
