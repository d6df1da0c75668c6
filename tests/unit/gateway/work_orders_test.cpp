#include <gtest/gtest.h>

#include <future>

#include "sqlite_read_pool.h"
#include "sqlite_writer.h"
#include "support/temp_dir.h"
#include "work_orders.h"

namespace fieldgate {
namespace {

class WorkOrdersTest : public ::testing::Test {
  protected:
    void SetUp() override {
        config_ = load_config(dir_.write(
            "gateway.json",
            R"({"assignment":{"rules":[{"service_type":"bulky_item","vendor":"bay-hauling"}]}})"));
        config_.store_path = dir_.file("g.db");
        catalog_ = std::make_unique<Catalog>(
            Catalog::load(config_.catalog_path, config_.catalog_schema_path));
        writer_ =
            std::make_unique<store::SqliteWriter>(store::SqliteWriterOptions{config_.store_path});
        reads_ = std::make_unique<store::SqliteReadPool>(config_.store_path);
        std::vector<VendorEntry> entries(2);
        entries[0].spec.id = "bay-hauling";
        entries[1].spec.id = "valley-disposal";
        vendors_ = VendorRegistry::from_entries(std::move(entries)).registry;
        service_ = std::make_unique<WorkOrderService>(config_, *catalog_, *writer_, *reads_,
                                                      [this] { return vendors_; });
    }

    static nlohmann::json body() {
        return {
            {"crm_case_id", "SR-2026-1"},
            {"service_type", "bulky_item"},
            {"address", "1 Main St"},
            {"location", {{"lat", 37.3}, {"lon", -121.8}}},
            {"scheduled_date", "2026-02-03"},
            {"window", {{"start", "07:00"}, {"end", "15:00"}}},
            {"items", {"sofa"}},
            {"customer", {{"name", "A"}, {"phone", "408-555-0100"}, {"email", "a@example.org"}}}};
    }

    ApiError error_of(const nlohmann::json& j) {
        auto parsed = service_->parse(j.dump());
        EXPECT_TRUE(std::holds_alternative<ApiError>(parsed)) << j.dump();
        return std::holds_alternative<ApiError>(parsed) ? std::get<ApiError>(parsed) : ApiError{};
    }

    std::variant<ApiError, CreatedWorkOrder> create(const nlohmann::json& j) {
        std::promise<std::variant<ApiError, CreatedWorkOrder>> p;
        service_->create(j.dump(), [&p](auto result) { p.set_value(std::move(result)); });
        return p.get_future().get();
    }

    test::TempDir dir_;
    GatewayConfig config_;
    std::unique_ptr<Catalog> catalog_;
    std::unique_ptr<store::Writer> writer_;
    std::unique_ptr<store::ReadPool> reads_;
    std::shared_ptr<const VendorRegistry> vendors_;
    std::unique_ptr<WorkOrderService> service_;
};

TEST_F(WorkOrdersTest, EveryInvalidFieldIsNamedByItsPointer) {
    auto j = body();
    j.erase("address");
    EXPECT_EQ(error_of(j).status, 422);
    EXPECT_EQ(error_of(j).pointer, "/address");
    EXPECT_NE(error_of(j).detail.find("required field 'address' is missing"), std::string::npos);
    j = body();
    j["location"]["lat"] = "north";
    EXPECT_EQ(error_of(j).pointer, "/location/lat");
    j = body();
    j["scheduled_date"] = "2026-02-30";
    EXPECT_EQ(error_of(j).pointer, "/scheduled_date");
    j = body();
    j["window"]["end"] = "25:00";
    EXPECT_EQ(error_of(j).pointer, "/window/end");
    j = body();
    j["vendor"] = "nobody";
    EXPECT_EQ(error_of(j).pointer, "/vendor");
    j = body();
    j["colour"] = "red";
    EXPECT_EQ(error_of(j).status, 422);
    EXPECT_EQ(error_of(j).pointer, "/colour");
    j = body();
    j["scheduled_date"] = "Dec 2";
    EXPECT_EQ(error_of(j).pointer, "/scheduled_date");
    EXPECT_NE(error_of(j).detail.find("for example \"2026-12-02\""), std::string::npos)
        << error_of(j).detail;
    j = body();
    j["service_type"] = "tree_trimming";
    auto e = error_of(j);
    EXPECT_EQ(e.type, "no-assignment");
    EXPECT_EQ(e.pointer, "/service_type");
    EXPECT_EQ(service_->parse("{not json").index(), 0u);
}

TEST_F(WorkOrdersTest, AssignmentRulesPickTheVendorWhenTheCrmDoesNot) {
    auto parsed = service_->parse(body().dump());
    ASSERT_TRUE(std::holds_alternative<store::WorkOrder>(parsed));
    EXPECT_EQ(*std::get<store::WorkOrder>(parsed).vendor, "bay-hauling");
    auto j = body();
    j["vendor"] = "valley-disposal";
    EXPECT_EQ(*std::get<store::WorkOrder>(service_->parse(j.dump())).vendor, "valley-disposal");
}

TEST_F(WorkOrdersTest,
       CreatingTheSameCaseTwiceAnswersTheExistingOrderAndDifferentContentConflicts) {
    auto first = create(body());
    ASSERT_TRUE(std::holds_alternative<CreatedWorkOrder>(first));
    const auto& created = std::get<CreatedWorkOrder>(first);
    EXPECT_EQ(created.status, 201);
    EXPECT_EQ(created.body["status"], "dispatched");
    EXPECT_EQ(created.body["history"].size(), 2u);

    auto again = create(body());
    ASSERT_TRUE(std::holds_alternative<CreatedWorkOrder>(again));
    EXPECT_EQ(std::get<CreatedWorkOrder>(again).status, 200);
    EXPECT_EQ(std::get<CreatedWorkOrder>(again).body["id"], created.body["id"]);

    auto changed = body();
    changed["address"] = "2 Main St";
    auto conflict = create(changed);
    ASSERT_TRUE(std::holds_alternative<ApiError>(conflict));
    EXPECT_EQ(std::get<ApiError>(conflict).status, 409);

    auto read = service_->find_by_case("SR-2026-1");
    ASSERT_TRUE(read);
    EXPECT_EQ((*read)["address"], "1 Main St");
}

}  // namespace
}  // namespace fieldgate
