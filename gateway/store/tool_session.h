// The store opened by a staff command on the gateway's host (`fieldgate dead-letters`,
// `quarantine discard`, `report`), without the daemon's writer: reads, or one unit of work
// committed (or rolled back when it throws) before the command answers.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "transaction.h"

namespace fieldgate::store {

class ToolSession {
  public:
    // read_only: never writes, never migrates. Otherwise the schema is brought up to date first.
    ToolSession(const std::string& path, bool read_only, const std::string& synchronous = "FULL");
    ~ToolSession();
    ToolSession(const ToolSession&) = delete;
    ToolSession& operator=(const ToolSession&) = delete;

    Transaction& reads();
    void run(const std::function<void(Transaction&)>& work);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace fieldgate::store
