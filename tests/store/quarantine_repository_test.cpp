// QuarantineRepository on both stores: a refused body is kept once and counted on repeats, staff
// list, inspect, replay and discard entries, and dead letters are listed, put back and given up.
#include "store_fixture.h"

namespace fieldgate::test {
namespace {

// Every byte value, NUL included: the raw body must come back byte for byte.
const std::string kBinaryBody = [] {
    std::string s = "{\"id\":1}";
    for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
    return s;
}();

class QuarantineRepositoryTest : public StoreTest {
  protected:
    // A raw payload with a given id (quarantine rows point at one); no content type, request id
    // or vendor when those are not given.
    void add_raw_payload(std::int64_t id, const std::optional<std::string>& vendor,
                         const std::string& body, bool truncated = false) {
        const std::string headers = R"({"content-type":"application/json"})";
        if (auto* db = sqlite_db()) {
            db->prepare(
                  "INSERT INTO raw_payloads (id, vendor, channel, received_at, headers, body, "
                  "body_sha256, truncated) VALUES (?1, ?2, 'http', '2026-12-01T08:00:00Z', ?3, "
                  "?4, 'sha-body', ?5)")
                ->bind(1, id)
                .bind(2, vendor)
                .bind(3, headers)
                .bind_blob_static(4, body)
                .bind(5, truncated ? 1 : 0)
                .run();
            return;
        }
        pg_db()->query(
            "INSERT INTO raw_payloads (id, vendor, channel, received_at, headers, body, "
            "body_sha256, truncated) VALUES ($1, $2, 'http', '2026-12-01T08:00:00Z', $3, $4, "
            "'sha-body', $5)",
            pg::Params().integer(id).optional_text(vendor).text(headers).bytes(body).integer(
                truncated ? 1 : 0));
    }

    void add_outbox_row(std::int64_t id, const std::string& work_order_id,
                        const std::string& destination, const std::string& state) {
        setup_sql(
            "INSERT INTO outbox (id, work_order_id, event_type, status, created_at, state, "
            "attempts, next_attempt_at, last_error, destination, last_status, deferred_by, "
            "dead_at, event_failures) VALUES (" +
            std::to_string(id) + ", '" + work_order_id +
            "', 'work_order.completed', 'completed', "
            "'2026-12-01T09:00:00Z', '" +
            state + "', 7, '2026-12-01T10:00:00Z', 'HTTP 500', '" + destination + "', " +
            (id % 2 ? "500" : "NULL") + ", 'event', '2026-12-01T11:00:00Z', 3)");
    }

    void add_work_order(const std::string& id, const std::string& crm_case_id) {
        setup_sql(
            "INSERT INTO work_orders (id, crm_case_id, service_type, address, scheduled_date, "
            "items, instructions, customer, status, content_hash, created_at, updated_at) VALUES "
            "('" +
            id + "', '" + crm_case_id +
            "', 'bulk_pickup', '1 Main St', '2026-12-01', '[]', '', '{}', 'scheduled', 'h', "
            "'2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z')");
    }

    std::int64_t refuse(const std::optional<std::string>& vendor,
                        const std::optional<std::string>& pointer, const std::string& problem_type,
                        const std::string& at, std::int64_t raw_id, int* asked = nullptr) {
        store::QuarantineEntry e;
        e.vendor = vendor;
        e.channel = "http";
        e.body_sha256 = "sha-body";
        e.record_pointer = pointer;
        e.received_at = at;
        e.http_status = 422;
        e.problem_type = problem_type;
        e.problem_json = R"({"type":")" + problem_type + R"(","at":")" + at + "\"}";
        return quarantine().quarantine(e, [&] {
            if (asked) ++*asked;
            return raw_id;
        });
    }
};

TEST_P(QuarantineRepositoryTest, NewEntryKeepsWhatWasRefused) {
    add_raw_payload(7, "riverbend", kBinaryBody);
    int asked = 0;
    const auto id =
        refuse("riverbend", "/results/2", "unknown-order", "2026-12-01T08:00:00Z", 7, &asked);
    EXPECT_EQ(asked, 1);
    const auto row = quarantine().find_quarantine(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->entry.id, id);
    EXPECT_EQ(row->entry.vendor, "riverbend");
    EXPECT_EQ(row->entry.channel, "http");
    EXPECT_EQ(row->entry.raw_payload_id, 7);
    EXPECT_EQ(row->entry.body_sha256, "sha-body");
    EXPECT_EQ(row->entry.record_pointer, "/results/2");
    EXPECT_EQ(row->entry.received_at, "2026-12-01T08:00:00Z");
    EXPECT_EQ(row->entry.last_seen_at, "2026-12-01T08:00:00Z");
    EXPECT_EQ(row->entry.attempts, 1);
    EXPECT_EQ(row->entry.http_status, 422);
    EXPECT_EQ(row->entry.problem_type, "unknown-order");
    EXPECT_EQ(row->entry.problem_json, R"({"type":"unknown-order","at":"2026-12-01T08:00:00Z"})");
    EXPECT_EQ(row->entry.state, "open");
    EXPECT_FALSE(row->replayed_at);
    EXPECT_EQ(row->replay_count, 0);
    EXPECT_FALSE(row->replay_verdict);
    EXPECT_FALSE(row->replay_detail);
    EXPECT_FALSE(row->discarded_at);
    EXPECT_FALSE(row->discard_reason);
    EXPECT_FALSE(quarantine().find_quarantine(id + 1000));
}

TEST_P(QuarantineRepositoryTest, RepeatCountsAnAttemptWithoutAskingForAPayload) {
    add_raw_payload(7, "riverbend", kBinaryBody);
    const auto id = refuse("riverbend", "/results/2", "unknown-order", "2026-12-01T08:00:00Z", 7);
    ASSERT_TRUE(quarantine().discard_quarantine(id, "noise", "2026-12-01T08:30:00Z"));
    int asked = 0;
    EXPECT_EQ(
        refuse("riverbend", "/results/2", "unknown-order", "2026-12-01T09:00:00Z", 99, &asked), id);
    EXPECT_EQ(asked, 0);
    const auto row = quarantine().find_quarantine(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->entry.attempts, 2);
    EXPECT_EQ(row->entry.raw_payload_id, 7);
    EXPECT_EQ(row->entry.received_at, "2026-12-01T08:00:00Z");
    EXPECT_EQ(row->entry.last_seen_at, "2026-12-01T09:00:00Z");
    EXPECT_EQ(row->entry.problem_json, R"({"type":"unknown-order","at":"2026-12-01T09:00:00Z"})");
    EXPECT_EQ(row->entry.state, "open");  // refused again: open again
}

// SQLite has one writer, so nothing comes between its look-up and its insert; PostgreSQL
// writers (several gateways) can race there: PostgreSQL only.
using QuarantineRaceTest = QuarantineRepositoryTest;

TEST_P(QuarantineRaceTest, EntryMadeMeanwhileCountsAnAttempt) {
    // The entry is made while the payload is asked for.
    add_raw_payload(1, "a", "x");
    std::int64_t inner = 0;
    store::QuarantineEntry e;
    e.vendor = "a";
    e.channel = "http";
    e.body_sha256 = "sha-body";
    e.received_at = "2026-12-01T08:00:00Z";
    e.http_status = 422;
    e.problem_type = "p";
    e.problem_json = "{}";
    const auto outer = quarantine().quarantine(e, [&] {
        inner = refuse("a", std::nullopt, "p", "2026-12-01T07:59:00Z", 1);
        return std::int64_t{1};
    });
    EXPECT_EQ(outer, inner);
    const auto row = quarantine().find_quarantine(outer);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->entry.attempts, 2);
    EXPECT_EQ(row->entry.last_seen_at, "2026-12-01T08:00:00Z");
    EXPECT_EQ(row->entry.problem_json, "{}");
}

TEST_P(QuarantineRepositoryTest, MissingVendorAndPointerCountAsEmpty) {
    add_raw_payload(1, std::nullopt, "x");
    add_raw_payload(2, std::nullopt, "x");
    const auto id = refuse(std::nullopt, std::nullopt, "bad-json", "2026-12-01T08:00:00Z", 1);
    EXPECT_EQ(refuse(std::nullopt, std::nullopt, "bad-json", "2026-12-01T08:01:00Z", 2), id);
    EXPECT_EQ(refuse("", "", "bad-json", "2026-12-01T08:02:00Z", 2), id);
    EXPECT_NE(refuse(std::nullopt, "/0", "bad-json", "2026-12-01T08:03:00Z", 2), id);
    EXPECT_NE(refuse(std::nullopt, std::nullopt, "bad-schema", "2026-12-01T08:04:00Z", 2), id);
    EXPECT_NE(refuse("riverbend", std::nullopt, "bad-json", "2026-12-01T08:05:00Z", 2), id);
    const auto row = quarantine().find_quarantine(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->entry.attempts, 3);
    EXPECT_FALSE(row->entry.vendor);
    EXPECT_FALSE(row->entry.record_pointer);
    EXPECT_EQ(quarantine().open_quarantine_count(), 4);
}

std::vector<std::int64_t> ids(const std::vector<store::QuarantineRow>& rows) {
    std::vector<std::int64_t> out;
    for (const auto& r : rows) out.push_back(r.entry.id);
    return out;
}

TEST_P(QuarantineRepositoryTest, ListFiltersAndPagesInIdOrder) {
    add_raw_payload(1, "a", "x");
    const auto a1 = refuse("a", "/1", "p", "2026-12-01T08:00:00Z", 1);
    const auto b1 = refuse("b", "/1", "p", "2026-12-01T09:00:00Z", 1);
    const auto a2 = refuse("a", "/2", "p", "2026-12-01T10:00:00Z", 1);
    const auto a3 = refuse("a", "/3", "p", "2026-12-01T11:00:00Z", 1);
    ASSERT_TRUE(quarantine().discard_quarantine(a2, "noise", "2026-12-01T12:00:00Z"));
    store::QuarantineFilter all;
    EXPECT_EQ(ids(quarantine().list_quarantine(all)), (std::vector{a1, b1, a2, a3}));
    store::QuarantineFilter f;
    f.vendor = "a";
    EXPECT_EQ(ids(quarantine().list_quarantine(f)), (std::vector{a1, a2, a3}));
    f.from = "2026-12-01T10:00:00Z";  // inclusive
    EXPECT_EQ(ids(quarantine().list_quarantine(f)), (std::vector{a2, a3}));
    f.to = "2026-12-01T11:00:00Z";  // exclusive
    EXPECT_EQ(ids(quarantine().list_quarantine(f)), (std::vector{a2}));
    store::QuarantineFilter open;
    open.state = "open";
    EXPECT_EQ(ids(quarantine().list_quarantine(open)), (std::vector{a1, b1, a3}));
    open.after_id = a1;
    open.limit = 1;
    EXPECT_EQ(ids(quarantine().list_quarantine(open)), (std::vector{b1}));
    open.limit = 0;
    EXPECT_TRUE(quarantine().list_quarantine(open).empty());
}

// The console's Problem filter: by problem type on the server, with the other filters and the
// cursor, so a page of 200 holds only entries of that problem.
TEST_P(QuarantineRepositoryTest, ListFiltersByProblemType) {
    add_raw_payload(1, "a", "x");
    const auto a1 = refuse("a", "/1", "unmapped-code", "2026-12-01T08:00:00Z", 1);
    const auto a2 = refuse("a", "/2", "unknown-order", "2026-12-01T09:00:00Z", 1);
    const auto b1 = refuse("b", "/1", "unmapped-code", "2026-12-01T10:00:00Z", 1);
    const auto a3 = refuse("a", "/3", "unmapped-code", "2026-12-01T11:00:00Z", 1);
    ASSERT_TRUE(quarantine().discard_quarantine(a3, "noise", "2026-12-01T12:00:00Z"));
    store::QuarantineFilter f;
    f.problem_type = "unmapped-code";
    EXPECT_EQ(ids(quarantine().list_quarantine(f)), (std::vector{a1, b1, a3}));
    f.problem_type = "unknown-order";
    EXPECT_EQ(ids(quarantine().list_quarantine(f)), (std::vector{a2}));
    f.problem_type = "unmapped";  // the whole type, not a prefix
    EXPECT_TRUE(quarantine().list_quarantine(f).empty());
    f.problem_type = "unmapped-code";
    f.vendor = "a";
    EXPECT_EQ(ids(quarantine().list_quarantine(f)), (std::vector{a1, a3}));
    f.state = "open";
    EXPECT_EQ(ids(quarantine().list_quarantine(f)), (std::vector{a1}));
    store::QuarantineFilter paged;
    paged.problem_type = "unmapped-code";
    paged.after_id = a1;
    paged.limit = 1;
    EXPECT_EQ(ids(quarantine().list_quarantine(paged)), (std::vector{b1}));
}

TEST_P(QuarantineRepositoryTest, PayloadComesBackByteForByte) {
    add_raw_payload(5, std::nullopt, kBinaryBody, true);
    const auto id = refuse(std::nullopt, std::nullopt, "bad-json", "2026-12-01T08:00:00Z", 5);
    const auto p = quarantine().find_quarantined_payload(id);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->row.entry.id, id);
    EXPECT_EQ(p->raw.body, kBinaryBody);
    EXPECT_FALSE(p->raw.vendor);
    EXPECT_EQ(p->raw.channel, "http");
    EXPECT_EQ(p->raw.received_at, "2026-12-01T08:00:00Z");
    EXPECT_EQ(p->raw.content_type, "");  // NULL reads as empty
    EXPECT_EQ(p->raw.request_id, "");
    EXPECT_EQ(p->raw.headers_json, R"({"content-type":"application/json"})");
    EXPECT_EQ(p->raw.body_sha256, "sha-body");
    EXPECT_TRUE(p->raw.truncated);
    EXPECT_FALSE(quarantine().find_quarantined_payload(id + 1000));
}

TEST_P(QuarantineRepositoryTest, EntriesOfABodyAreThoseOfItsVendor) {
    add_raw_payload(1, "a", "x");
    const auto a1 = refuse("a", "/1", "p", "2026-12-01T08:00:00Z", 1);
    refuse("b", "/1", "p", "2026-12-01T08:00:00Z", 1);
    const auto a2 = refuse("a", "/2", "q", "2026-12-01T08:00:00Z", 1);
    const auto none = refuse(std::nullopt, "/1", "p", "2026-12-01T08:00:00Z", 1);
    auto rows = quarantine().quarantine_of_body("a", "sha-body");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].entry.id, a1);
    EXPECT_EQ(rows[1].entry.id, a2);
    EXPECT_EQ(rows[1].entry.problem_type, "q");
    rows = quarantine().quarantine_of_body(std::nullopt, "sha-body");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].entry.id, none);
    EXPECT_TRUE(quarantine().quarantine_of_body("a", "other").empty());
}

TEST_P(QuarantineRepositoryTest, ReplayResolvesOnlyWhenTold) {
    add_raw_payload(1, "a", "x");
    const auto id = refuse("a", "/1", "p", "2026-12-01T08:00:00Z", 1);
    quarantine().record_replay(id, "refused", R"({"n":1})", false, "2026-12-01T09:00:00Z");
    auto row = quarantine().find_quarantine(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->entry.state, "open");
    EXPECT_EQ(row->replay_count, 1);
    EXPECT_EQ(row->replay_verdict, "refused");
    EXPECT_EQ(row->replay_detail, R"({"n":1})");
    EXPECT_EQ(row->replayed_at, "2026-12-01T09:00:00Z");
    quarantine().record_replay(id, "applied", R"({"n":2})", true, "2026-12-01T10:00:00Z");
    row = quarantine().find_quarantine(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->entry.state, "replayed");
    EXPECT_EQ(row->replay_count, 2);
    EXPECT_EQ(row->replay_verdict, "applied");
    EXPECT_EQ(row->replay_detail, R"({"n":2})");
    EXPECT_EQ(row->replayed_at, "2026-12-01T10:00:00Z");
    EXPECT_EQ(quarantine().open_quarantine_count(), 0);
    // A replayed entry is not open: it cannot be discarded.
    EXPECT_FALSE(quarantine().discard_quarantine(id, "late", "2026-12-01T11:00:00Z"));
}

TEST_P(QuarantineRepositoryTest, OnlyOpenEntriesAreDiscarded) {
    add_raw_payload(1, "a", "x");
    const auto id = refuse("a", "/1", "p", "2026-12-01T08:00:00Z", 1);
    const auto other = refuse("a", "/2", "p", "2026-12-01T08:00:00Z", 1);
    EXPECT_EQ(quarantine().open_quarantine_count(), 2);
    EXPECT_TRUE(quarantine().discard_quarantine(id, "test data", "2026-12-01T09:00:00Z"));
    EXPECT_FALSE(quarantine().discard_quarantine(id, "again", "2026-12-01T10:00:00Z"));
    EXPECT_FALSE(quarantine().discard_quarantine(other + 1000, "none", "2026-12-01T10:00:00Z"));
    const auto row = quarantine().find_quarantine(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->entry.state, "discarded");
    EXPECT_EQ(row->discarded_at, "2026-12-01T09:00:00Z");
    EXPECT_EQ(row->discard_reason, "test data");
    EXPECT_EQ(quarantine().open_quarantine_count(), 1);
}

TEST_P(QuarantineRepositoryTest, DeadLettersListedWithTheirCase) {
    add_work_order("wo-1", "CASE-1");
    add_outbox_row(1, "wo-1", "crm", "dead");
    add_outbox_row(2, "wo-gone", "vendor:a", "dead");
    add_outbox_row(3, "wo-1", "crm", "pending");
    add_outbox_row(4, "wo-1", "crm", "dead");
    auto all = quarantine().dead_letters(std::nullopt, 0, 100);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].id, 1);
    EXPECT_EQ(all[0].destination, "crm");
    EXPECT_EQ(all[0].work_order_id, "wo-1");
    EXPECT_EQ(all[0].crm_case_id, "CASE-1");
    EXPECT_EQ(all[0].event_type, "work_order.completed");
    EXPECT_EQ(all[0].attempts, 7);
    EXPECT_EQ(all[0].last_status, 500);
    EXPECT_EQ(all[0].last_error, "HTTP 500");
    EXPECT_EQ(all[0].created_at, "2026-12-01T09:00:00Z");
    EXPECT_EQ(all[0].dead_at, "2026-12-01T11:00:00Z");
    EXPECT_EQ(all[1].id, 2);
    EXPECT_EQ(all[1].crm_case_id, "");  // no such work order
    EXPECT_FALSE(all[1].last_status);
    EXPECT_EQ(all[2].id, 4);
    const auto crm = quarantine().dead_letters("crm", 1, 100);
    ASSERT_EQ(crm.size(), 1u);
    EXPECT_EQ(crm[0].id, 4);
    const auto first = quarantine().dead_letters(std::nullopt, 0, 1);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].id, 1);
}

TEST_P(QuarantineRepositoryTest, ReplayPutsDeadLettersBackOnce) {
    add_outbox_row(1, "wo-1", "crm", "dead");
    add_outbox_row(2, "wo-2", "vendor:a", "dead");
    add_outbox_row(3, "wo-3", "crm", "pending");
    add_outbox_row(4, "wo-4", "crm", "dead");
    EXPECT_EQ(quarantine().replay_dead_letters({1, 2, 3}, "crm"), 1);
    EXPECT_EQ(quarantine().replay_dead_letters({1}, std::nullopt), 0);  // already back
    EXPECT_EQ(query_value("SELECT state || ' ' || attempts || ' ' || event_failures || ' ' || "
                          "COALESCE(next_attempt_at, '-') || ' ' || COALESCE(deferred_by, '-') "
                          "|| ' ' || COALESCE(dead_at, '-') FROM outbox WHERE id = 1"),
              "pending 0 0 - - -");
    EXPECT_EQ(query_value("SELECT last_error FROM outbox WHERE id = 1"), "HTTP 500");
    EXPECT_EQ(quarantine().replay_dead_letters({}, "vendor:a"), 1);
    EXPECT_EQ(query_value("SELECT state FROM outbox WHERE id = 4"), "dead");
    EXPECT_EQ(quarantine().replay_dead_letters({}, std::nullopt), 1);
    EXPECT_TRUE(quarantine().dead_letters(std::nullopt, 0, 100).empty());
    EXPECT_EQ(quarantine().replay_dead_letters({}, std::nullopt), 0);
}

TEST_P(QuarantineRepositoryTest, DiscardedDeadLetterKeepsItsReason) {
    add_outbox_row(1, "wo-1", "crm", "dead");
    add_outbox_row(2, "wo-2", "crm", "pending");
    EXPECT_TRUE(quarantine().discard_dead_letter(1, "order deleted", "2026-12-02T08:00:00Z"));
    EXPECT_FALSE(quarantine().discard_dead_letter(1, "again", "2026-12-02T09:00:00Z"));
    EXPECT_FALSE(quarantine().discard_dead_letter(2, "not dead", "2026-12-02T09:00:00Z"));
    EXPECT_FALSE(quarantine().discard_dead_letter(9, "no such row", "2026-12-02T09:00:00Z"));
    EXPECT_EQ(query_value("SELECT state || ' ' || discarded_at || ' ' || discard_reason FROM "
                          "outbox WHERE id = 1"),
              "discarded 2026-12-02T08:00:00Z order deleted");
    EXPECT_EQ(query_value("SELECT state FROM outbox WHERE id = 2"), "pending");
    EXPECT_EQ(quarantine().replay_dead_letters({1}, std::nullopt), 0);
}

INSTANTIATE_TEST_SUITE_P(Postgres, QuarantineRaceTest, testing::Values(StoreKind::postgres),
                         store_name);
INSTANTIATE_TEST_SUITE_P(Stores, QuarantineRepositoryTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

}  // namespace
}  // namespace fieldgate::test
