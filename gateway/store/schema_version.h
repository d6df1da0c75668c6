// A fieldgate older than its store's schema would write rows the newer schema does not expect
// and read columns it no longer has: it refuses to start instead (a rolling upgrade that
// migrates must stop the old instances first; docs/deployment.md "Upgrades").
#pragma once

#include <stdexcept>
#include <string>

namespace fieldgate::store {

inline void refuse_newer_schema(const std::string& store, int current, int known) {
    if (current <= known) return;
    throw std::runtime_error(store + " is at schema version " + std::to_string(current) +
                             ", newer than this fieldgate knows (" + std::to_string(known) +
                             "): run the release that migrated it, or a newer one");
}

}  // namespace fieldgate::store
