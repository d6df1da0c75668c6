#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fieldgate {

// Ids and digests.
// `prefix` + 20 random hex characters (80 bits from the OS CSPRNG): ids that cannot be guessed.
std::string random_id(std::string_view prefix);
// `prefix` + 12 hex of milliseconds since the epoch + 10 random hex: ids that sort by creation
// time (like UUIDv7), so the B-tree indexes keyed by them grow at one end instead of dirtying a
// random page per insert, and still cannot be enumerated.
std::string time_ordered_id(std::string_view prefix);
std::string sha256_hex(std::string_view bytes);
// HMAC-SHA256 of `message` with `key`, lower-case hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// A CRM or vendor event's id: "evt_" and its outbox row id.
std::string event_id(std::int64_t outbox_id);

}  // namespace fieldgate
