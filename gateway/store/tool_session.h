// The store opened by a staff command on the gateway's host (`fieldgate dead-letters`,
// `quarantine discard`, `report`, `stats`), without the daemon's writer: reads, or one unit of
// work committed (or rolled back when it throws) before the command answers. The store the
// gateway runs on: its SQLite file, or its PostgreSQL database when store.url is set.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "store_factory.h"
#include "transaction.h"

namespace fieldgate::store {

class ToolSession {
  public:
    // read_only: never writes, never migrates. Otherwise the schema is brought up to date first.
    ToolSession(const StoreSettings& settings, bool read_only);
    ~ToolSession();
    ToolSession(const ToolSession&) = delete;
    ToolSession& operator=(const ToolSession&) = delete;

    Transaction& reads();
    void run(const std::function<void(Transaction&)>& work);
    // What the store holds, counted (`fieldgate stats`, the demo's closing summary):
    // {"work_orders": {status: n}, "outcomes": {"applied"|"late"|"conflict"|"correction": n},
    //  "by_vendor": {vendor: {"outcomes": {code: n}, "reasons": {code: n}}},
    //  "quarantine": {vendor: {problem_type: n}}, "outbox": {state: n}}
    nlohmann::json summary();

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace fieldgate::store
