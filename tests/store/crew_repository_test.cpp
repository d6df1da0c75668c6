// CrewRepository on both stores: devices enroll and are seen, their actions are kept once, the
// crew's orders and feed head are found, and photos upload in chunks that come back byte for
// byte, one upload per crew.
#include "ids.h"
#include "store_fixture.h"

namespace fieldgate::test {
namespace {

using store::ChunkResult;

// Every byte value many times over, NUL included.
const std::string kPhoto = [] {
    std::string s;
    for (int i = 0; i < 3000; ++i) s += static_cast<char>((i * 7 + i / 256) % 256);
    return s;
}();
const std::string kPhotoSha = sha256_hex(kPhoto);

class CrewRepositoryTest : public StoreTest {
  protected:
    static store::DeviceRow device(const std::string& id, const std::string& created_at) {
        store::DeviceRow d;
        d.id = id;
        d.crew = "north";
        d.name = "Tablet " + id;
        d.token_sha256 = "token-" + id;
        d.created_at = created_at;
        return d;
    }

    static store::CrewActionRow action(const std::string& device_id, const std::string& id) {
        store::CrewActionRow a;
        a.device_id = device_id;
        a.action_id = id;
        a.device_seq = 42;
        a.type = "note";
        a.request_sha256 = "req-" + id;
        a.body = R"({"text":"gate locked"})";
        a.verdict = "accepted";
        a.result_json = R"({"status":"accepted"})";
        a.received_at = "2026-12-01T10:00:00Z";
        return a;
    }

    // Work orders and feed rows are other repositories': plain SQL.
    void add_order(const std::string& id, const std::string& vendor, const std::string& date) {
        setup_sql(
            "INSERT INTO work_orders (id, crm_case_id, service_type, address, scheduled_date, "
            "items, instructions, customer, vendor, status, content_hash, created_at, updated_at) "
            "VALUES ('" +
            id + "', 'CASE-" + id + "', 'bulk_pickup', '1 Main St', '" + date +
            "', '[]', '', '{}', '" + vendor +
            "', 'scheduled', 'h', '2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z')");
    }
    void add_feed(int seq, const std::string& vendor) {
        setup_sql(
            "INSERT INTO vendor_feed (seq, vendor, work_order_id, change, created_at) "
            "VALUES (" +
            std::to_string(seq) + ", '" + vendor +
            "', 'wo-1', 'assigned', '2026-12-01T00:00:00Z')");
    }

    // Of `crew_id`'s upload, sent by its device.
    store::ChunkOutcome chunk(const std::string& crew_id, std::int64_t offset, std::size_t length,
                              const std::string& sha = kPhotoSha,
                              const std::string& content = kPhoto) {
        return crew().append_photo_chunk(
            {crew_id, "dev-" + crew_id}, sha, static_cast<std::int64_t>(content.size()), offset,
            std::string_view(content).substr(static_cast<std::size_t>(offset), length),
            "2026-12-01T12:00:00Z");
    }
};

TEST_P(CrewRepositoryTest, DeviceIsInsertedOnce) {
    EXPECT_TRUE(crew().insert_device(device("dev-1", "2026-12-01T08:00:00Z")));
    auto again = device("dev-1", "2026-12-02T08:00:00Z");
    again.name = "Other";
    EXPECT_FALSE(crew().insert_device(again));
    const auto d = crew().find_device("dev-1");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->id, "dev-1");
    EXPECT_EQ(d->crew, "north");
    EXPECT_EQ(d->name, "Tablet dev-1");
    EXPECT_EQ(d->token_sha256, "token-dev-1");
    EXPECT_FALSE(d->secret_sha256);
    EXPECT_EQ(d->created_at, "2026-12-01T08:00:00Z");
    EXPECT_FALSE(d->enrolled_at);
    EXPECT_FALSE(d->last_seen_at);
    EXPECT_FALSE(d->app_version);
    EXPECT_EQ(d->state, "active");
    EXPECT_FALSE(crew().find_device("dev-2"));
    auto no_token = device("dev-3", "2026-12-01T08:00:00Z");
    no_token.token_sha256.reset();
    EXPECT_TRUE(crew().insert_device(no_token));
    EXPECT_FALSE(crew().find_device("dev-3")->token_sha256);
}

TEST_P(CrewRepositoryTest, EnrollmentSetsTheSecretThenSpendsTheToken) {
    ASSERT_TRUE(crew().insert_device(device("dev-1", "2026-12-01T08:00:00Z")));
    crew().set_device_secret("dev-1", "secret-hash", "2.4.1", "2026-12-01T08:05:00Z");
    auto d = crew().find_device("dev-1");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->secret_sha256, "secret-hash");
    EXPECT_EQ(d->app_version, "2.4.1");
    EXPECT_EQ(d->enrolled_at, "2026-12-01T08:05:00Z");
    EXPECT_EQ(d->last_seen_at, "2026-12-01T08:05:00Z");
    EXPECT_EQ(d->token_sha256, "token-dev-1");  // until the secret is used
    crew().spend_enrollment_token("dev-1", "2026-12-01T08:06:00Z");
    d = crew().find_device("dev-1");
    ASSERT_TRUE(d);
    EXPECT_FALSE(d->token_sha256);
    EXPECT_EQ(d->secret_sha256, "secret-hash");
    EXPECT_EQ(d->last_seen_at, "2026-12-01T08:06:00Z");
    EXPECT_EQ(d->enrolled_at, "2026-12-01T08:05:00Z");
    crew().touch_device("dev-1", "2026-12-01T09:00:00Z");
    d = crew().find_device("dev-1");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->last_seen_at, "2026-12-01T09:00:00Z");
    EXPECT_EQ(d->enrolled_at, "2026-12-01T08:05:00Z");
    EXPECT_EQ(d->app_version, "2.4.1");
}

TEST_P(CrewRepositoryTest, ActionComesBackAsPushed) {
    auto full = action("dev-1", "a-1");
    full.work_order_id = "wo-1";
    full.device_time = "2026-12-01T09:59:58Z";
    full.occurred_at = "2026-12-01T09:59:59Z";
    full.clock_skew_ms = -1500;
    full.time_flag = "skewed";
    crew().insert_crew_action(full);
    crew().insert_crew_action(action("dev-1", "a-2"));
    const auto a = crew().find_crew_action("dev-1", "a-1");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->device_id, "dev-1");
    EXPECT_EQ(a->action_id, "a-1");
    EXPECT_EQ(a->device_seq, 42);
    EXPECT_EQ(a->work_order_id, "wo-1");
    EXPECT_EQ(a->type, "note");
    EXPECT_EQ(a->request_sha256, "req-a-1");
    EXPECT_EQ(a->device_time, "2026-12-01T09:59:58Z");
    EXPECT_EQ(a->occurred_at, "2026-12-01T09:59:59Z");
    EXPECT_EQ(a->clock_skew_ms, -1500);
    EXPECT_EQ(a->time_flag, "skewed");
    EXPECT_EQ(a->verdict, "accepted");
    EXPECT_EQ(a->result_json, R"({"status":"accepted"})");
    EXPECT_EQ(a->received_at, "2026-12-01T10:00:00Z");
    EXPECT_EQ(a->body, "");  // not read back (as in SQLite); stored, below
    EXPECT_EQ(query_value("SELECT body FROM crew_actions WHERE action_id = 'a-1'"),
              R"({"text":"gate locked"})");
    const auto b = crew().find_crew_action("dev-1", "a-2");
    ASSERT_TRUE(b);
    EXPECT_FALSE(b->work_order_id);
    EXPECT_FALSE(b->device_time);
    EXPECT_FALSE(b->occurred_at);
    EXPECT_FALSE(b->clock_skew_ms);
    EXPECT_FALSE(b->time_flag);
    EXPECT_FALSE(crew().find_crew_action("dev-2", "a-1"));
    EXPECT_FALSE(crew().find_crew_action("dev-1", "a-3"));
}

TEST_P(CrewRepositoryTest, DevicesListOldestFirstWithTheirActionCounts) {
    ASSERT_TRUE(crew().insert_device(device("dev-b", "2026-12-01T08:00:00Z")));
    ASSERT_TRUE(crew().insert_device(device("dev-c", "2026-11-01T08:00:00Z")));
    ASSERT_TRUE(crew().insert_device(device("dev-a", "2026-12-01T08:00:00Z")));
    crew().insert_crew_action(action("dev-b", "a-1"));
    crew().insert_crew_action(action("dev-b", "a-2"));
    crew().insert_crew_action(action("dev-a", "a-1"));
    const auto devices = crew().list_devices();
    ASSERT_EQ(devices.size(), 3u);
    EXPECT_EQ(devices[0].first.id, "dev-c");
    EXPECT_EQ(devices[0].second, 0);
    EXPECT_EQ(devices[1].first.id, "dev-a");
    EXPECT_EQ(devices[1].second, 1);
    EXPECT_EQ(devices[2].first.id, "dev-b");
    EXPECT_EQ(devices[2].second, 2);
    EXPECT_EQ(devices[2].first.name, "Tablet dev-b");
    EXPECT_EQ(devices[2].first.token_sha256, "token-dev-b");
}

TEST_P(CrewRepositoryTest, CrewOrdersAreThoseScheduledInTheRange) {
    add_order("wo-3", "crew:north", "2026-12-03");
    add_order("wo-2b", "crew:north", "2026-12-01");
    add_order("wo-2a", "crew:north", "2026-12-01");
    add_order("wo-4", "crew:north", "2026-12-04");
    add_order("wo-0", "crew:north", "2026-11-30");
    add_order("wo-x", "crew:south", "2026-12-02");
    EXPECT_EQ(crew().crew_order_ids("crew:north", "2026-12-01", "2026-12-03"),
              (std::vector<std::string>{"wo-2a", "wo-2b", "wo-3"}));
    EXPECT_TRUE(crew().crew_order_ids("crew:east", "2026-12-01", "2026-12-03").empty());
}

TEST_P(CrewRepositoryTest, FeedHeadIsTheTargetsLastSeq) {
    EXPECT_EQ(crew().crew_feed_head("crew:north"), 0);
    add_feed(3, "crew:north");
    add_feed(8, "crew:north");
    add_feed(12, "crew:south");
    EXPECT_EQ(crew().crew_feed_head("crew:north"), 8);
    EXPECT_EQ(crew().crew_feed_head("crew:south"), 12);
    EXPECT_EQ(crew().crew_feed_head("crew:east"), 0);
}

TEST_P(CrewRepositoryTest, PhotoUploadsInChunksAndComesBackByteForByte) {
    EXPECT_FALSE(crew().find_photo("north", kPhotoSha));
    auto out = chunk("north", 0, 1000);
    EXPECT_EQ(out.result, ChunkResult::stored);
    EXPECT_EQ(out.state.received, 1000);
    EXPECT_EQ(out.state.size, 3000);
    EXPECT_FALSE(out.state.complete);
    EXPECT_EQ(chunk("north", 1000, 0).result, ChunkResult::stored);  // empty: nothing appended
    EXPECT_EQ(chunk("north", 500, 1000).result, ChunkResult::offset_mismatch);
    EXPECT_EQ(chunk("north", 1000, 1500).result, ChunkResult::stored);
    auto state = crew().find_photo("north", kPhotoSha);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->sha256, kPhotoSha);
    EXPECT_EQ(state->received, 2500);
    EXPECT_FALSE(state->complete);
    EXPECT_FALSE(crew().read_photo(kPhotoSha, "north"));  // not complete yet
    out = chunk("north", 2500, 500);
    EXPECT_EQ(out.result, ChunkResult::completed);
    EXPECT_EQ(out.state.received, 3000);
    EXPECT_TRUE(out.state.complete);
    EXPECT_TRUE(crew().find_photo("north", kPhotoSha)->complete);
    EXPECT_EQ(crew().read_photo(kPhotoSha, "north"), kPhoto);
    EXPECT_EQ(crew().read_photo(kPhotoSha), kPhoto);
    EXPECT_EQ(chunk("north", 0, 10).result, ChunkResult::already_complete);
    EXPECT_FALSE(crew().read_photo(sha256_hex("other")));
}

TEST_P(CrewRepositoryTest, ChunksThatDoNotFitAreRefused) {
    EXPECT_EQ(chunk("north", 0, 100).result, ChunkResult::stored);
    const auto wrong_size = crew().append_photo_chunk({"north", "dev-north"}, kPhotoSha, 2999, 100,
                                                      "x", "2026-12-01T12:00:00Z");
    EXPECT_EQ(wrong_size.result, ChunkResult::size_mismatch);
    EXPECT_EQ(wrong_size.state.size, 3000);
    const auto too_long = crew().append_photo_chunk({"north", "dev-north"}, kPhotoSha, 3000, 100,
                                                    std::string(2901, 'x'), "2026-12-01T12:00:00Z");
    EXPECT_EQ(too_long.result, ChunkResult::too_long);
    EXPECT_EQ(too_long.state.received, 100);
    EXPECT_EQ(crew().find_photo("north", kPhotoSha)->received, 100);
}

TEST_P(CrewRepositoryTest, WrongContentStartsTheUploadOver) {
    std::string corrupt = kPhoto;
    corrupt[2000] = static_cast<char>(corrupt[2000] ^ 0x01);
    EXPECT_EQ(chunk("north", 0, 2000, kPhotoSha, corrupt).result, ChunkResult::stored);
    const auto out = chunk("north", 2000, 1000, kPhotoSha, corrupt);
    EXPECT_EQ(out.result, ChunkResult::hash_mismatch);
    EXPECT_EQ(out.state.received, 0);
    EXPECT_FALSE(out.state.complete);
    EXPECT_EQ(crew().find_photo("north", kPhotoSha)->received, 0);
    EXPECT_FALSE(crew().read_photo(kPhotoSha));
    EXPECT_EQ(chunk("north", 0, 3000).result, ChunkResult::completed);
    EXPECT_EQ(crew().read_photo(kPhotoSha, "north"), kPhoto);
}

TEST_P(CrewRepositoryTest, EachCrewHasItsOwnUpload) {
    EXPECT_EQ(chunk("north", 0, 3000).result, ChunkResult::completed);
    EXPECT_FALSE(crew().find_photo("south", kPhotoSha));  // another crew's upload is not its own
    EXPECT_FALSE(crew().read_photo(kPhotoSha, "south"));
    EXPECT_EQ(chunk("south", 0, 1200).result, ChunkResult::stored);
    EXPECT_EQ(crew().find_photo("south", kPhotoSha)->received, 1200);
    EXPECT_TRUE(crew().find_photo("north", kPhotoSha)->complete);
    EXPECT_EQ(chunk("south", 1200, 1800).result, ChunkResult::completed);
    EXPECT_EQ(crew().read_photo(kPhotoSha, "south"), kPhoto);
    EXPECT_EQ(crew().read_photo(kPhotoSha, "north"), kPhoto);
    // The first crew's chunks are kept under the hash, the next crew's under its own key.
    EXPECT_EQ(query_value("SELECT chunks FROM crew_photos WHERE crew = 'north'"), kPhotoSha);
    EXPECT_EQ(query_value("SELECT chunks FROM crew_photos WHERE crew = 'south'"),
              "south:" + kPhotoSha);
    EXPECT_EQ(query_value("SELECT device_id || ' ' || size || ' ' || created_at || ' ' || "
                          "completed_at FROM crew_photos WHERE crew = 'south'"),
              "dev-south 3000 2026-12-01T12:00:00Z 2026-12-01T12:00:00Z");
}

INSTANTIATE_TEST_SUITE_P(Stores, CrewRepositoryTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

}  // namespace
}  // namespace fieldgate::test
