#include "webhook_verifier.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <charconv>
#include <optional>
#include <stdexcept>

#include "base64.h"

namespace fieldgate::crm_sim {

namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr std::string_view kVersionPrefix = "v1,";
constexpr std::size_t kSha256Bytes = 32;

std::optional<std::int64_t> parse_unix_seconds(std::string_view s) {
    std::int64_t value = 0;
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, value);
    if (ec != std::errc() || ptr != end || value < 0) return std::nullopt;
    return value;
}

std::array<unsigned char, kSha256Bytes> hmac_sha256(const std::vector<unsigned char>& key,
                                                    std::string_view content) {
    std::array<unsigned char, kSha256Bytes> out{};
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(content.data()), content.size(), out.data(),
              &len) ||
        len != kSha256Bytes) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return out;
}

// The v1 signatures listed in the header, decoded; other versions and bad entries are skipped.
std::vector<std::vector<unsigned char>> v1_signatures(std::string_view header) {
    std::vector<std::vector<unsigned char>> out;
    while (!header.empty()) {
        const auto space = header.find(' ');
        const auto token = header.substr(0, space);
        header = space == std::string_view::npos ? std::string_view() : header.substr(space + 1);
        if (!token.starts_with(kVersionPrefix)) continue;
        auto decoded = decode_base64(token.substr(kVersionPrefix.size()));
        if (decoded && decoded->size() == kSha256Bytes) out.push_back(std::move(*decoded));
    }
    return out;
}

}  // namespace

std::string_view verdict_name(Verdict v) {
    switch (v) {
        case Verdict::kValid:
            return "valid";
        case Verdict::kMissingHeader:
            return "missing webhook-id, webhook-timestamp or webhook-signature header";
        case Verdict::kBadTimestamp:
            return "webhook-timestamp is not unix seconds";
        case Verdict::kOutsideTolerance:
            return "webhook-timestamp is outside the tolerance";
        case Verdict::kNoMatchingSignature:
            return "no v1 signature matches";
    }
    return "unknown";
}

WebhookVerifier::WebhookVerifier(const std::vector<std::string>& secrets,
                                 std::chrono::seconds tolerance)
    : tolerance_(tolerance) {
    if (secrets.empty()) throw std::invalid_argument("no webhook secret configured");
    for (std::size_t i = 0; i < secrets.size(); ++i) {
        const std::string_view s = secrets[i];
        const auto where = "webhook secret #" + std::to_string(i + 1);
        if (!s.starts_with(kSecretPrefix))
            throw std::invalid_argument(where + " does not start with whsec_");
        auto key = decode_base64(s.substr(kSecretPrefix.size()));
        if (!key) throw std::invalid_argument(where + " is not base64 after whsec_");
        keys_.push_back(std::move(*key));
    }
}

Verdict WebhookVerifier::verify(const SignedRequest& request,
                                std::chrono::system_clock::time_point now) const {
    if (request.id.empty() || request.timestamp.empty() || request.signature.empty())
        return Verdict::kMissingHeader;
    const auto ts = parse_unix_seconds(request.timestamp);
    if (!ts) return Verdict::kBadTimestamp;
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    const auto diff = now_s > *ts ? now_s - *ts : *ts - now_s;
    if (diff > tolerance_.count()) return Verdict::kOutsideTolerance;

    const auto listed = v1_signatures(request.signature);
    if (listed.empty()) return Verdict::kNoMatchingSignature;
    std::string content;
    content.reserve(request.id.size() + request.timestamp.size() + request.body.size() + 2);
    content.append(request.id)
        .append(".")
        .append(request.timestamp)
        .append(".")
        .append(request.body);
    // Every pair is compared, so the time taken does not tell which one matched.
    bool match = false;
    for (const auto& key : keys_) {
        const auto expected = hmac_sha256(key, content);
        for (const auto& sig : listed) {
            match |= CRYPTO_memcmp(expected.data(), sig.data(), kSha256Bytes) == 0;
        }
    }
    return match ? Verdict::kValid : Verdict::kNoMatchingSignature;
}

}  // namespace fieldgate::crm_sim
