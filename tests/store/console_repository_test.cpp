// ConsoleRepository on both stores: a session is found until it expires or ends, an expired one
// is forgotten when the next is opened, and the audit log lists newest first, page by page.
#include "store_fixture.h"

namespace fieldgate::test {
namespace {

using ConsoleRepositoryTest = StoreTest;

store::ConsoleSession session(const std::string& hash, const std::string& created,
                              const std::string& expires) {
    return {hash, "ana", "operator", created, expires};
}

TEST_P(ConsoleRepositoryTest, ASessionIsFoundUntilItExpires) {
    tx().insert_console_session(
        session("h1", "2026-12-01T09:00:00.000Z", "2026-12-01T21:00:00.000Z"));
    const auto found = tx().find_console_session("h1", "2026-12-01T20:59:59.999Z");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->account, "ana");
    EXPECT_EQ(found->role, "operator");
    EXPECT_EQ(found->expires_at, "2026-12-01T21:00:00.000Z");
    EXPECT_FALSE(tx().find_console_session("h1", "2026-12-01T21:00:00.000Z")) << "expired";
    EXPECT_FALSE(tx().find_console_session("h2", "2026-12-01T10:00:00.000Z")) << "unknown";
}

TEST_P(ConsoleRepositoryTest, AnEndedSessionIsNotFound) {
    tx().insert_console_session(
        session("h1", "2026-12-01T09:00:00.000Z", "2026-12-01T21:00:00.000Z"));
    EXPECT_TRUE(tx().end_console_session("h1"));
    EXPECT_FALSE(tx().find_console_session("h1", "2026-12-01T10:00:00.000Z"));
    EXPECT_FALSE(tx().end_console_session("h1")) << "ended twice";
}

TEST_P(ConsoleRepositoryTest, OpeningASessionForgetsExpiredOnes) {
    tx().insert_console_session(
        session("old", "2026-12-01T09:00:00.000Z", "2026-12-01T21:00:00.000Z"));
    tx().insert_console_session(
        session("new", "2026-12-02T09:00:00.000Z", "2026-12-02T21:00:00.000Z"));
    EXPECT_FALSE(tx().end_console_session("old")) << "the expired session was kept";
    EXPECT_TRUE(tx().end_console_session("new"));
}

TEST_P(ConsoleRepositoryTest, TheAuditLogListsNewestFirstInPages) {
    for (int i = 1; i <= 5; ++i)
        tx().append_audit({0, "2026-12-01T09:00:0" + std::to_string(i) + "Z", "ana", "operator",
                           "POST /v1/admin/quarantine/{id}/discard",
                           "/v1/admin/quarantine/" + std::to_string(i) + "/discard", 200,
                           "{\"reason\":\"r" + std::to_string(i) + "\"}"});
    const auto first = tx().list_audit(0, 3);
    ASSERT_EQ(first.size(), 3u);
    EXPECT_EQ(first[0].target, "/v1/admin/quarantine/5/discard");
    EXPECT_EQ(first[0].detail, "{\"reason\":\"r5\"}");
    EXPECT_EQ(first[0].status, 200);
    EXPECT_EQ(first[0].account, "ana");
    EXPECT_GT(first[0].id, first[1].id);
    const auto rest = tx().list_audit(first[2].id, 3);
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_EQ(rest[0].target, "/v1/admin/quarantine/2/discard");
    EXPECT_EQ(rest[1].target, "/v1/admin/quarantine/1/discard");
}

INSTANTIATE_TEST_SUITE_P(Stores, ConsoleRepositoryTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

}  // namespace
}  // namespace fieldgate::test
