// Cancel and reschedule against a real SQLite store through the writer: the order, its history,
// the CRM outbox event, the vendor's feed row and (for a push vendor) its outbox row all commit
// together, and a repeat writes nothing.
#include <gtest/gtest.h>

#include <future>

#include "order_changes.h"
#include "sqlite_read_pool.h"
#include "sqlite_transaction.h"
#include "sqlite_writer.h"
#include "support/temp_dir.h"
#include "work_orders.h"

namespace fieldgate {
namespace {

class OrderChangesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        config_ = load_config(dir_.write("gateway.json", "{}"));
        config_.store_path = dir_.file("g.db");
        catalog_ = std::make_unique<Catalog>(
            Catalog::load(config_.catalog_path, config_.catalog_schema_path));
        writer_ =
            std::make_unique<store::SqliteWriter>(store::SqliteWriterOptions{config_.store_path});
        reads_ = std::make_unique<store::SqliteReadPool>(config_.store_path);
        std::vector<VendorEntry> entries(2);
        entries[0].spec.id = "bay-hauling";  // pull, the default
        entries[1].spec.id = "push-hauler";
        entries[1].spec.dispatch.mode = "push";
        entries[1].spec.dispatch.push_url = "http://127.0.0.1:9/orders";
        entries[1].spec.dispatch.secret = "push-hauler/push-secret";
        vendors_ = VendorRegistry::from_entries(std::move(entries)).registry;
        auto vendors = [this] { return vendors_; };
        orders_ =
            std::make_unique<WorkOrderService>(config_, *catalog_, *writer_, *reads_, vendors);
        changes_ = std::make_unique<OrderChangeService>(config_, *writer_, *orders_, vendors);
    }

    static nlohmann::json body(const std::string& sr, const std::string& vendor) {
        return {{"crm_case_id", sr},
                {"service_type", "bulky_item"},
                {"address", "1 Main St, San Jose, CA 95113"},
                {"location", {{"lat", 37.3}, {"lon", -121.8}}},
                {"scheduled_date", "2026-02-03"},
                {"window", {{"start", "07:00"}, {"end", "15:00"}}},
                {"vendor", vendor},
                {"route", {{"id", "R-1"}, {"date", "2026-02-03"}, {"stop_seq", 3}}}};
    }

    std::string create(const std::string& sr, const std::string& vendor) {
        std::promise<std::variant<ApiError, CreatedWorkOrder>> p;
        orders_->create(body(sr, vendor).dump(), [&p](auto r) { p.set_value(std::move(r)); });
        auto r = p.get_future().get();
        EXPECT_TRUE(std::holds_alternative<CreatedWorkOrder>(r));
        return std::get<CreatedWorkOrder>(r).body["id"];
    }

    using Result = std::variant<ApiError, ChangedWorkOrder>;
    Result cancel(const std::string& id, const std::string& body = "") {
        std::promise<Result> p;
        changes_->cancel(id, body, [&p](Result r) { p.set_value(std::move(r)); });
        return p.get_future().get();
    }
    Result reschedule(const std::string& id, const nlohmann::json& body) {
        std::promise<Result> p;
        changes_->reschedule(id, body.dump(), [&p](Result r) { p.set_value(std::move(r)); });
        return p.get_future().get();
    }

    std::int64_t count(const std::string& sql, const std::string& arg) {
        auto db = reads_->acquire();
        auto q = store::sqlite_connection(*db).prepare(sql);
        q->bind(1, arg);
        q->step();
        return q->integer(0);
    }
    std::string text(const std::string& sql, const std::string& arg) {
        auto db = reads_->acquire();
        auto q = store::sqlite_connection(*db).prepare(sql);
        q->bind(1, arg);
        return q->step() ? q->text(0) : std::string("<none>");
    }
    void exec(const std::string& sql) {
        writer_->run_sync(
            [sql](store::Transaction& db) { store::sqlite_connection(db).exec(sql); });
    }
    // Every row a change can write, for "nothing written" checks.
    std::int64_t rows_of(const std::string& id) {
        return count(
            "SELECT (SELECT COUNT(*) FROM outbox WHERE work_order_id = ?1) + "
            "(SELECT COUNT(*) FROM vendor_feed WHERE work_order_id = ?1) + "
            "(SELECT COUNT(*) FROM work_order_history WHERE work_order_id = ?1)",
            id);
    }
    static const nlohmann::json& order_of(const Result& r) {
        return std::get<ChangedWorkOrder>(r).body;
    }

    test::TempDir dir_;
    GatewayConfig config_;
    std::unique_ptr<Catalog> catalog_;
    std::unique_ptr<store::Writer> writer_;
    std::unique_ptr<store::ReadPool> reads_;
    std::shared_ptr<const VendorRegistry> vendors_;
    std::unique_ptr<WorkOrderService> orders_;
    std::unique_ptr<OrderChangeService> changes_;
};

TEST_F(OrderChangesTest, AssignmentWritesAFeedRowAndAPushRowOnlyForAPushVendor) {
    const auto pulled = create("SR-1", "bay-hauling");
    const auto pushed = create("SR-2", "push-hauler");
    EXPECT_EQ(
        text("SELECT vendor || ':' || change FROM vendor_feed WHERE work_order_id = ?", pulled),
        "bay-hauling:assigned");
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE work_order_id = ? AND destination <> 'crm'",
                    pulled),
              0);
    EXPECT_EQ(
        text("SELECT vendor || ':' || change FROM vendor_feed WHERE work_order_id = ?", pushed),
        "push-hauler:assigned");
    EXPECT_EQ(text("SELECT destination || ' ' || event_type || ' ' || status FROM outbox "
                   "WHERE work_order_id = ? AND destination <> 'crm'",
                   pushed),
              "vendor:push-hauler workorder.assigned dispatched");
    // The CRM still gets its own event.
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE work_order_id = ? AND destination = 'crm'",
                    pushed),
              1);
}

TEST_F(OrderChangesTest, CancelClosesTheOrderTellsTheCrmAndTheVendorAndARepeatWritesNothing) {
    const auto id = create("SR-3", "push-hauler");
    auto r = cancel(id, R"({"reason":"resident moved"})");
    ASSERT_TRUE(std::holds_alternative<ChangedWorkOrder>(r)) << std::get<ApiError>(r).detail;
    EXPECT_TRUE(std::get<ChangedWorkOrder>(r).changed);
    EXPECT_EQ(order_of(r)["status"], "cancelled");
    const auto& last = order_of(r)["history"].back();
    EXPECT_EQ(last["from"], "dispatched");
    EXPECT_EQ(last["to"], "cancelled");
    EXPECT_EQ(last["source"], "crm");
    EXPECT_NE(last["note"].get<std::string>().find("resident moved"), std::string::npos);

    EXPECT_EQ(text("SELECT event_type || ' ' || extra FROM outbox WHERE work_order_id = ? AND "
                   "destination = 'crm' ORDER BY id DESC LIMIT 1",
                   id),
              "gov.sanjose.workorder.cancelled {\"reason\":\"resident moved\"}");
    EXPECT_EQ(text("SELECT change FROM vendor_feed WHERE work_order_id = ? ORDER BY seq DESC", id),
              "cancelled");
    EXPECT_EQ(text("SELECT event_type FROM outbox WHERE work_order_id = ? AND "
                   "destination = 'vendor:push-hauler' ORDER BY id DESC",
                   id),
              "workorder.cancelled");

    const auto before = rows_of(id);
    auto again = cancel(id);
    ASSERT_TRUE(std::holds_alternative<ChangedWorkOrder>(again));
    EXPECT_FALSE(std::get<ChangedWorkOrder>(again).changed);
    EXPECT_EQ(order_of(again)["status"], "cancelled");
    EXPECT_EQ(rows_of(id), before);
}

TEST_F(OrderChangesTest, AClosedOrderCannotBeCancelledOrRescheduled) {
    const auto id = create("SR-4", "bay-hauling");
    exec("UPDATE work_orders SET status = 'completed' WHERE id = '" + id + "'");
    const auto before = rows_of(id);
    auto c = cancel(id);
    ASSERT_TRUE(std::holds_alternative<ApiError>(c));
    EXPECT_EQ(std::get<ApiError>(c).status, 409);
    EXPECT_EQ(std::get<ApiError>(c).type, "work-order-closed");
    auto r = reschedule(id, {{"scheduled_date", "2026-02-05"}});
    ASSERT_TRUE(std::holds_alternative<ApiError>(r));
    EXPECT_EQ(std::get<ApiError>(r).type, "work-order-closed");
    EXPECT_EQ(rows_of(id), before);
    EXPECT_EQ(text("SELECT status FROM work_orders WHERE id = ?", id), "completed");

    const auto cancelled = create("SR-5", "bay-hauling");
    ASSERT_TRUE(std::holds_alternative<ChangedWorkOrder>(cancel(cancelled)));
    r = reschedule(cancelled, {{"scheduled_date", "2026-02-05"}});
    ASSERT_TRUE(std::holds_alternative<ApiError>(r));
    EXPECT_EQ(std::get<ApiError>(r).status, 409);
    EXPECT_EQ(std::get<ApiError>(r).type, "work-order-cancelled");
}

TEST_F(OrderChangesTest, RescheduleMovesTheDateResetsProgressAndClearsOverdue) {
    const auto id = create("SR-6", "push-hauler");
    exec(
        "UPDATE work_orders SET status = 'en_route', overdue_at = '2026-02-03T23:00:00Z' "
        "WHERE id = '" +
        id + "'");
    const nlohmann::json next = {{"scheduled_date", "2026-02-05"},
                                 {"window", {{"start", "08:00"}, {"end", "12:00"}}}};
    auto r = reschedule(id, next);
    ASSERT_TRUE(std::holds_alternative<ChangedWorkOrder>(r)) << std::get<ApiError>(r).detail;
    const auto& wo = order_of(r);
    EXPECT_EQ(wo["status"], "dispatched");
    EXPECT_EQ(wo["scheduled_date"], "2026-02-05");
    EXPECT_EQ(wo["window"], next["window"]);
    EXPECT_EQ(wo["route"], nullptr);  // the 2026-02-03 route is not the order's any more
    const auto& last = wo["history"].back();
    EXPECT_EQ(last["from"], "en_route");
    EXPECT_EQ(last["to"], "dispatched");
    const std::string note = last["note"];
    EXPECT_NE(note.find("2026-02-03"), std::string::npos) << note;
    EXPECT_NE(note.find("2026-02-05"), std::string::npos) << note;
    EXPECT_EQ(text("SELECT IFNULL(overdue_at, 'cleared') FROM work_orders WHERE id = ?", id),
              "cleared");

    const auto extra = nlohmann::json::parse(
        text("SELECT extra FROM outbox WHERE work_order_id = ? AND event_type = "
             "'gov.sanjose.workorder.rescheduled' AND destination = 'crm'",
             id));
    EXPECT_EQ(extra, nlohmann::json({{"scheduled_date", "2026-02-05"},
                                     {"window", next["window"]},
                                     {"previous_date", "2026-02-03"}}));
    EXPECT_EQ(text("SELECT change FROM vendor_feed WHERE work_order_id = ? ORDER BY seq DESC", id),
              "rescheduled");
    EXPECT_EQ(text("SELECT event_type FROM outbox WHERE work_order_id = ? AND "
                   "destination = 'vendor:push-hauler' ORDER BY id DESC",
                   id),
              "workorder.rescheduled");

    const auto before = rows_of(id);
    auto again = reschedule(id, next);
    ASSERT_TRUE(std::holds_alternative<ChangedWorkOrder>(again));
    EXPECT_FALSE(std::get<ChangedWorkOrder>(again).changed);
    EXPECT_EQ(rows_of(id), before);
}

TEST_F(OrderChangesTest, ADispatchedOrderKeepsItsStatusAndTheHistorySaysWhy) {
    const auto id = create("SR-7", "bay-hauling");
    auto r = reschedule(id, {{"scheduled_date", "2026-02-03"}});  // same day, window dropped
    ASSERT_TRUE(std::holds_alternative<ChangedWorkOrder>(r));
    const auto& wo = order_of(r);
    EXPECT_EQ(wo["status"], "dispatched");
    EXPECT_EQ(wo["window"], nullptr);
    EXPECT_EQ(wo["route"]["id"], "R-1");  // still that day's route
    EXPECT_EQ(wo["history"].back()["from"], "dispatched");
    EXPECT_EQ(wo["history"].back()["to"], "dispatched");
}

TEST_F(OrderChangesTest, UnknownOrdersAndBadBodiesAreNamed) {
    auto c = cancel("wo_nope");
    ASSERT_TRUE(std::holds_alternative<ApiError>(c));
    EXPECT_EQ(std::get<ApiError>(c).status, 404);
    auto r = reschedule("wo_nope", {{"scheduled_date", "2026-02-05"}});
    ASSERT_TRUE(std::holds_alternative<ApiError>(r));
    EXPECT_EQ(std::get<ApiError>(r).status, 404);

    auto error = [](const auto& parsed) {
        EXPECT_TRUE(std::holds_alternative<ApiError>(parsed));
        return std::holds_alternative<ApiError>(parsed) ? std::get<ApiError>(parsed) : ApiError{};
    };
    EXPECT_EQ(error(changes_->parse_reschedule(R"({"scheduled_date":"2026-02-30"})")).pointer,
              "/scheduled_date");
    EXPECT_EQ(
        error(changes_->parse_reschedule(
                  R"({"scheduled_date":"2026-02-05","window":{"start":"08:00","end":"24:00"}})"))
            .pointer,
        "/window/end");
    EXPECT_EQ(
        error(changes_->parse_reschedule(R"({"window":{"start":"08:00","end":"12:00"}})")).status,
        422);
    EXPECT_EQ(error(changes_->parse_reschedule(R"({"scheduled_date":"2026-02-05","x":1})")).status,
              422);
    EXPECT_EQ(error(changes_->parse_reschedule("{")).status, 400);
    EXPECT_EQ(error(changes_->parse_cancel(R"({"reason":7})")).pointer, "/reason");
    EXPECT_TRUE(std::holds_alternative<std::optional<std::string>>(changes_->parse_cancel("")));
    EXPECT_TRUE(std::holds_alternative<std::optional<std::string>>(changes_->parse_cancel("{}")));
}

}  // namespace
}  // namespace fieldgate
