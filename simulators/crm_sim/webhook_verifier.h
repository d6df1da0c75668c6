// Standard Webhooks signature check (https://www.standardwebhooks.com), written for the CRM
// simulator on its own, without the gateway's signing code, so the two can check each other.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fieldgate::crm_sim {

enum class Verdict {
    kValid,
    kMissingHeader,       // webhook-id, webhook-timestamp or webhook-signature absent or empty
    kBadTimestamp,        // not a whole number of unix seconds
    kOutsideTolerance,    // further than the tolerance from now, either way
    kNoMatchingSignature  // no v1 signature matches any configured secret
};

std::string_view verdict_name(Verdict v);

struct SignedRequest {
    std::string_view id;         // webhook-id
    std::string_view timestamp;  // webhook-timestamp
    std::string_view signature;  // webhook-signature: "v1,<base64> v1,<base64> ..."
    std::string_view body;       // raw bytes, exactly as received
};

class WebhookVerifier {
  public:
    // Each secret is "whsec_<base64>"; throws std::invalid_argument naming the bad one (by
    // position, never by value). At least one secret is required.
    WebhookVerifier(const std::vector<std::string>& secrets, std::chrono::seconds tolerance);

    Verdict verify(const SignedRequest& request, std::chrono::system_clock::time_point now) const;

  private:
    std::vector<std::vector<unsigned char>> keys_;
    std::chrono::seconds tolerance_;
};

}  // namespace fieldgate::crm_sim
