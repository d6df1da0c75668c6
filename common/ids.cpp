#include "ids.h"

#include <array>
#include <chrono>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace fieldgate {

namespace {
std::string to_hex(const unsigned char* data, std::size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += kHex[data[i] >> 4];
        out += kHex[data[i] & 0x0f];
    }
    return out;
}
}  // namespace

std::string random_id(std::string_view prefix) {
    std::array<unsigned char, 10> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("no randomness available");
    }
    return std::string(prefix) + to_hex(bytes.data(), bytes.size());
}

std::string time_ordered_id(std::string_view prefix) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    std::array<unsigned char, 11> bytes{};
    for (int i = 5; i >= 0; --i)
        bytes[static_cast<std::size_t>(5 - i)] = static_cast<unsigned char>((ms >> (8 * i)) & 0xff);
    if (RAND_bytes(bytes.data() + 6, 5) != 1) throw std::runtime_error("no randomness available");
    return std::string(prefix) + to_hex(bytes.data(), bytes.size());
}

std::string sha256_hex(std::string_view bytes) {
    // OpenSSL 3 looks the algorithm up (a lock and a table search) on every EVP_sha256() digest
    // unless it is fetched once: that lookup was half of this function on the request path.
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    struct Ctx {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        ~Ctx() { EVP_MD_CTX_free(ctx); }
    };
    thread_local Ctx local;
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int n = 0;
    if (!sha256 || !local.ctx || EVP_DigestInit_ex2(local.ctx, sha256, nullptr) != 1 ||
        EVP_DigestUpdate(local.ctx, bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(local.ctx, digest.data(), &n) != 1) {
        throw std::runtime_error("sha256 failed");
    }
    return to_hex(digest.data(), n);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
              &n)) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return to_hex(mac.data(), n);
}

std::string event_id(std::int64_t outbox_id) {
    return "evt_" + std::to_string(outbox_id);
}

}  // namespace fieldgate
