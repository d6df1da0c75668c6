// Crew photo uploads against the real gateway process on loopback: resumed after a cut, checked
// against the hash that names them.
#include "fault_proxy.h"
#include "ids.h"
#include "sync_component_fixture.h"

namespace fieldgate::test {
namespace {

TEST_F(CrewSync, APhotoUploadCutInTheMiddleResumesAndArrivesIntact) {
    const auto d = issue_device(*gw_, "photo", "photo-1");
    const auto order = create_crew_order(*gw_, "photo", "SR-PHOTO-1");
    std::string bytes(200000, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 7919) % 251);
    const auto path = dir_.write("p.jpg", bytes);
    sim::FaultProxy proxy("127.0.0.1", gw_->port());
    auto tablet = enrolled_tablet(*gw_, dir_, d);
    tablet->set_gateway({"127.0.0.1", proxy.port()});
    tablet->record({"completed", order, "", "", {}, {}, {}, {path}, {}, std::nullopt});
    offline::SyncOptions options;
    options.photo_chunk_bytes = 32768;
    proxy.cut_after(sim::FaultProxy::Direction::to_server, 100000);
    const auto cut = tablet->sync(options);
    EXPECT_FALSE(cut.complete);
    EXPECT_EQ(proxy.cuts(), 1u);
    auto db = gateway_db(*gw_);
    const std::string sha = sha256_hex(bytes);
    const auto partial = count_rows(db, "SELECT received FROM crew_photos WHERE sha256 = ?", {sha});
    EXPECT_GT(partial, 0);
    EXPECT_LT(partial, 200000);
    const auto done = tablet->sync(options);
    ASSERT_TRUE(done.complete) << done.error;
    std::string stored;
    auto q = db.prepare("SELECT bytes FROM crew_photo_chunks WHERE sha256 = ? ORDER BY offset");
    q->bind(1, sha);
    while (q->step()) stored += q->text(0);
    EXPECT_EQ(sha256_hex(stored), sha);
    // Staff read it back by its hash.
    auto c = gw_->client();
    EXPECT_EQ(c.get("/v1/admin/photos/" + sha).status, 401);
    const auto fetched = c.get("/v1/admin/photos/" + sha, gw_->admin_headers());
    ASSERT_EQ(fetched.status, 200);
    EXPECT_EQ(fetched.body, bytes);
    EXPECT_EQ(c.get("/v1/admin/photos/" + sha256_hex("none"), gw_->admin_headers()).status, 404);
    EXPECT_EQ(
        count_rows(db, "SELECT COUNT(*) FROM crew_photos WHERE sha256 = ? AND state = 'complete'",
                   {sha}),
        1);
    // Linked to its outcome by content hash.
    EXPECT_EQ(
        count_rows(db, "SELECT COUNT(*) FROM outcomes WHERE work_order_id = ? AND photos LIKE ?",
                   {order, "%sha256:" + sha + "%"}),
        1);
}

TEST_F(CrewSync, APhotoWhoseBytesDoNotMatchItsNameIsRefused) {
    const auto d = issue_device(*gw_, "hash", "hash-1");
    const auto secret = enroll_raw(*gw_, d);
    auto c = gw_->client();
    const std::string sha = sha256_hex("the real photo");
    auto r = c.request("PUT", "/v1/sync/photos/" + sha + "?offset=0&size=14",
                       device_headers(d.id, secret), "a forged photo");
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("photo-hash-mismatch"), std::string::npos);
    r = c.request("PUT", "/v1/sync/photos/" + sha + "?offset=5&size=14",
                  device_headers(d.id, secret), "real photo");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(nlohmann::json::parse(r.body).at("received"), 0);
    r = c.request("PUT", "/v1/sync/photos/" + sha + "?offset=0&size=14",
                  device_headers(d.id, secret), "the real photo");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(nlohmann::json::parse(r.body).at("complete"), true);
}

// Found by tests/fuzz/sync_request_fuzzer.cpp: a chunk without a body was stored as an empty
// chunk, and every later chunk at that offset was answered 503 store-unavailable.
TEST_F(CrewSync, AnEmptyPhotoChunkIsRefusedAndTheUploadStillCompletes) {
    const auto d = issue_device(*gw_, "empty", "empty-1");
    const auto secret = enroll_raw(*gw_, d);
    auto c = gw_->client();
    const std::string photo = "the real photo";
    const std::string sha = sha256_hex(photo);
    auto r = c.request("PUT", "/v1/sync/photos/" + sha + "?offset=0&size=14",
                       device_headers(d.id, secret), "");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(nlohmann::json::parse(r.body).at("pointer"), "body");
    r = c.request("PUT", "/v1/sync/photos/" + sha + "?offset=0&size=14",
                  device_headers(d.id, secret), photo);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(nlohmann::json::parse(r.body).at("complete"), true);
}

}  // namespace
}  // namespace fieldgate::test
