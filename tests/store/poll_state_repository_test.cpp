// PollStateRepository on both stores: a saved position comes back as it was; a failure counts
// without moving the position.
#include "store_fixture.h"

namespace fieldgate::test {
namespace {

using PollStateRepositoryTest = StoreTest;

store::PollState page_stored() {
    store::PollState s;
    s.vendor = "riverbend-recycling";
    s.window_since = "2026-12-01T00:00:00Z";
    s.window_until = "2026-12-01T01:00:00Z";
    s.next_page = "p2";
    s.cursor = "";
    s.pages = 3;
    s.records = 140;
    s.updated_at = "2026-12-01T01:00:05.120Z";
    s.next_request_at = "2026-12-01T01:00:06.000Z";
    return s;
}

TEST_P(PollStateRepositoryTest, NoStateForAVendorNeverPolled) {
    EXPECT_FALSE(poll_state().load_poll_state("riverbend-recycling"));
}

TEST_P(PollStateRepositoryTest, SavedPositionComesBackAsSaved) {
    poll_state().save_poll_state(page_stored());
    const auto loaded = poll_state().load_poll_state("riverbend-recycling");
    ASSERT_TRUE(loaded);
    const auto expected = page_stored();
    EXPECT_EQ(loaded->window_since, expected.window_since);
    EXPECT_EQ(loaded->window_until, expected.window_until);
    EXPECT_EQ(loaded->next_page, expected.next_page);
    EXPECT_EQ(loaded->pages, 3);
    EXPECT_EQ(loaded->records, 140);
    EXPECT_EQ(loaded->updated_at, expected.updated_at);
    EXPECT_EQ(loaded->next_request_at, expected.next_request_at);
}

TEST_P(PollStateRepositoryTest, SecondSaveReplacesTheFirst) {
    poll_state().save_poll_state(page_stored());
    auto next = page_stored();
    next.next_page = "";
    next.cursor = "c-9";
    next.pages = 4;
    poll_state().save_poll_state(next);
    const auto loaded = poll_state().load_poll_state("riverbend-recycling");
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->next_page, "");
    EXPECT_EQ(loaded->cursor, "c-9");
    EXPECT_EQ(loaded->pages, 4);
}

TEST_P(PollStateRepositoryTest, FailureKeepsThePositionAndMovesTheNextRequest) {
    poll_state().save_poll_state(page_stored());
    poll_state().record_poll_failure("riverbend-recycling", "HTTP 503", "2026-12-01T01:01:00Z",
                                     "2026-12-01T01:02:00Z");
    const auto loaded = poll_state().load_poll_state("riverbend-recycling");
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->next_page, "p2");
    EXPECT_EQ(loaded->pages, 3);
    EXPECT_EQ(loaded->next_request_at, "2026-12-01T01:02:00Z");
}

TEST_P(PollStateRepositoryTest, FailureBeforeAnyPageLeavesAStartingState) {
    poll_state().record_poll_failure("riverbend-recycling", "connection refused",
                                     "2026-12-01T01:01:00Z", "2026-12-01T01:02:00Z");
    const auto loaded = poll_state().load_poll_state("riverbend-recycling");
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->pages, 0);
    EXPECT_EQ(loaded->next_page, "");
    EXPECT_EQ(loaded->next_request_at, "2026-12-01T01:02:00Z");
}

INSTANTIATE_TEST_SUITE_P(Stores, PollStateRepositoryTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

}  // namespace
}  // namespace fieldgate::test
