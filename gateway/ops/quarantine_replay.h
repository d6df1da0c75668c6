// Replays quarantined payloads after a mapping fix: the stored raw body goes through the vendor's
// CURRENT adapter and the one ingest path (IngestService::apply in the writer), so a
// replay can never produce anything a fresh post of the same body would not. Idempotent: only
// open entries are replayed, the pipeline's content hashes answer a repeat as a duplicate, and
// the check that an entry is still open runs inside the writer's transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "ingest_service.h"
#include "read_pool.h"
#include "registry.h"
#include "writer.h"

namespace fieldgate::ops {

struct ReplayItem {
    std::int64_t id = 0;
    // replayed: re-run (verdict says how it went); skipped: not open (already replayed or
    // discarded); not_replayable: cannot be re-run (why in detail); not_found.
    std::string result;
    std::string verdict;  // accepted | duplicate | late | conflict | rejected (when replayed)
    std::string state;    // the entry's state afterwards
    nlohmann::json detail = nlohmann::json::object();
};

class QuarantineReplayer {
  public:
    using Vendors = std::function<std::shared_ptr<const VendorRegistry>()>;
    using Done = std::function<void(std::vector<ReplayItem>, std::exception_ptr)>;
    // An MQTT message's request as the truck service would build it now (stop and route events),
    // or why that message cannot be re-run; unset when MQTT is not configured.
    using MqttRequest = std::function<std::variant<std::shared_ptr<IngestRequest>, std::string>(
        const store::RawPayload&)>;

    QuarantineReplayer(store::Writer& writer, store::ReadPool& reads, Vendors vendors,
                       const IngestService& ingest, MqttRequest mqtt = nullptr);

    // Reads and normalizes on the caller's thread, applies in the writer; `done` is called
    // exactly once (on the writer thread, or at once when nothing needs writing), with an
    // error when something could not be committed (e.g. the write queue was full).
    void replay(const std::vector<std::int64_t>& ids, Done done);

  private:
    store::Writer& writer_;
    store::ReadPool& reads_;
    Vendors vendors_;
    const IngestService& ingest_;
    MqttRequest mqtt_;
};

}  // namespace fieldgate::ops
