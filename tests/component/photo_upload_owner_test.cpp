// A photo upload belongs to the crew whose device started it (finding 7 of "hold up against a
// hostile network"): the real gateway over sockets, devices of two crews issued and enrolled
// through the API. A device of another crew that knows the hash gets, on every verb, exactly the
// answer it gets for a hash nobody has, and cannot reset, finish, overwrite or claim the upload;
// the crew's own upload then completes intact from its offset, and another tablet of the same
// crew may resume it.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "ids.h"
#include "support/gateway_process.h"

namespace fieldgate::test {
namespace {

constexpr std::int64_t kPhotoBytes = 100000;
constexpr std::int64_t kFirstPart = 40000;

std::string photo_bytes(int seed) {
    std::string bytes(static_cast<std::size_t>(kPhotoBytes), '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<char>((i * 7919 + static_cast<std::size_t>(seed)) % 251);
    return bytes;
}

struct Device {
    std::string id;
    sim::HeaderList headers;
};

class PhotoUploadOwner : public ::testing::Test {
  protected:
    GatewayProcess gw_;
    sim::HttpClient c_ = gw_.client();

    Device enrolled(const std::string& crew, const std::string& id) {
        auto issued =
            c_.post("/v1/admin/devices", nlohmann::json{{"crew", crew}, {"device_id", id}}.dump(),
                    "application/json", gw_.admin_headers());
        EXPECT_EQ(issued.status, 201) << issued.body;
        const auto token = nlohmann::json::parse(issued.body).at("enrollment_token");
        auto enroll =
            c_.post("/v1/sync/enroll",
                    nlohmann::json{{"device_id", id}, {"enrollment_token", token}}.dump());
        EXPECT_EQ(enroll.status, 200) << enroll.body;
        const auto secret = nlohmann::json::parse(enroll.body).at("device_secret");
        return {id,
                {{"X-Device-Id", id}, {"Authorization", "Bearer " + secret.get<std::string>()}}};
    }

    sim::ClientResponse status(const Device& d, const std::string& sha) {
        return c_.get("/v1/sync/photos/" + sha, d.headers);
    }

    sim::ClientResponse put(const Device& d, const std::string& sha, std::int64_t offset,
                            const std::string& bytes) {
        return c_.request("PUT",
                          "/v1/sync/photos/" + sha + "?offset=" + std::to_string(offset) +
                              "&size=" + std::to_string(kPhotoBytes),
                          d.headers, bytes);
    }

    nlohmann::json progress(const Device& d, const std::string& sha) {
        const auto r = status(d, sha);
        EXPECT_EQ(r.status, 200) << r.body;
        return nlohmann::json::parse(r.body);
    }

    sim::ClientResponse admin_photo(const std::string& sha, const std::string& query = "") {
        return c_.get("/v1/admin/photos/" + sha + query, gw_.admin_headers());
    }
};

// The same status, content type and body, but for the hash named in it.
void expect_same_answer(const sim::ClientResponse& known, const std::string& known_sha,
                        const sim::ClientResponse& unknown, const std::string& unknown_sha,
                        const std::string& what) {
    std::string body = unknown.body;
    for (auto at = body.find(unknown_sha); at != std::string::npos; at = body.find(unknown_sha))
        body.replace(at, unknown_sha.size(), known_sha);
    EXPECT_EQ(known.status, unknown.status) << what;
    EXPECT_EQ(known.header("content-type"), unknown.header("content-type")) << what;
    EXPECT_EQ(known.body, body) << what;
}

TEST_F(PhotoUploadOwner, AnotherCrewsDeviceIsAnsweredAsForAnUnknownHashAndTheUploadCompletes) {
    const auto north = enrolled("north", "north-1");
    const auto south = enrolled("south", "south-1");
    const auto photo = photo_bytes(1);
    const auto sha = sha256_hex(photo);
    ASSERT_EQ(put(north, sha, 0, photo.substr(0, kFirstPart)).status, 200);

    // Each probe goes to north's hash and to a fresh hash nobody has, in the same state.
    int fresh = 0;
    auto unknown = [&fresh]() { return sha256_hex("nobody has this " + std::to_string(++fresh)); };
    {
        const auto other = unknown();
        expect_same_answer(status(south, sha), sha, status(south, other), other, "GET progress");
    }
    {
        // Continuing north's upload from where it is.
        const auto other = unknown();
        expect_same_answer(put(south, sha, kFirstPart, photo.substr(kFirstPart, 1000)), sha,
                           put(south, other, kFirstPart, photo.substr(kFirstPart, 1000)), other,
                           "PUT at north's offset");
    }
    {
        // A whole photo of the wrong bytes: once, this reset north's upload to offset 0.
        const std::string wrong(static_cast<std::size_t>(kPhotoBytes), 'x');
        const auto other = unknown();
        expect_same_answer(put(south, sha, 0, wrong), sha, put(south, other, 0, wrong), other,
                           "PUT of wrong bytes from offset 0");
    }
    for (const char* method : {"POST", "PATCH", "DELETE"}) {
        const auto other = unknown();
        expect_same_answer(c_.request(method, "/v1/sync/photos/" + sha, south.headers, "x"), sha,
                           c_.request(method, "/v1/sync/photos/" + other, south.headers, "x"),
                           other, method);
    }

    // North's upload is where north left it, and completes intact from there.
    const auto p = progress(north, sha);
    EXPECT_EQ(p["received"], kFirstPart);
    EXPECT_EQ(p["size"], kPhotoBytes);
    EXPECT_EQ(p["complete"], false);
    const auto rest = put(north, sha, kFirstPart, photo.substr(kFirstPart));
    ASSERT_EQ(rest.status, 200) << rest.body;
    EXPECT_EQ(nlohmann::json::parse(rest.body)["complete"], true);
    const auto stored = admin_photo(sha, "?crew=north");
    ASSERT_EQ(stored.status, 200) << stored.body;
    EXPECT_EQ(stored.body, photo);
    EXPECT_EQ(admin_photo(sha).body, photo);
    EXPECT_EQ(admin_photo(sha, "?crew=south").status, 404);
}

TEST_F(PhotoUploadOwner, AnotherTabletOfTheSameCrewResumesTheCrewsUpload) {
    const auto first = enrolled("north", "north-1");
    const auto second = enrolled("north", "north-2");
    const auto photo = photo_bytes(2);
    const auto sha = sha256_hex(photo);
    ASSERT_EQ(put(first, sha, 0, photo.substr(0, kFirstPart)).status, 200);

    const auto p = progress(second, sha);
    EXPECT_EQ(p["received"], kFirstPart);
    EXPECT_EQ(p["size"], kPhotoBytes);
    const auto rest = put(second, sha, kFirstPart, photo.substr(kFirstPart));
    ASSERT_EQ(rest.status, 200) << rest.body;
    EXPECT_EQ(nlohmann::json::parse(rest.body)["complete"], true);
    EXPECT_EQ(admin_photo(sha, "?crew=north").body, photo);
}

TEST_F(PhotoUploadOwner, AnotherCrewCanNeitherOverwriteNorClaimACompletedPhoto) {
    const auto north = enrolled("north", "north-1");
    const auto south = enrolled("south", "south-1");
    const auto photo = photo_bytes(3);
    const auto sha = sha256_hex(photo);
    ASSERT_EQ(put(north, sha, 0, photo).status, 200);
    ASSERT_EQ(progress(north, sha)["complete"], true);

    const auto other = sha256_hex("nobody has this either");
    expect_same_answer(status(south, sha), sha, status(south, other), other, "GET progress");
    const std::string wrong(static_cast<std::size_t>(kPhotoBytes), 'y');
    expect_same_answer(put(south, sha, 0, wrong), sha, put(south, other, 0, wrong), other,
                       "PUT over a complete photo");

    // North's photo is untouched, and south has no claim on it: attaching its hash to a south
    // outcome proves nothing until south itself uploads those very bytes.
    EXPECT_EQ(progress(north, sha)["complete"], true);
    EXPECT_EQ(admin_photo(sha, "?crew=north").body, photo);
    EXPECT_EQ(admin_photo(sha, "?crew=south").status, 404);
    ASSERT_EQ(put(south, sha, 0, photo).status, 200);
    EXPECT_EQ(admin_photo(sha, "?crew=south").body, photo);
    EXPECT_EQ(admin_photo(sha, "?crew=north").body, photo);
}

}  // namespace
}  // namespace fieldgate::test
