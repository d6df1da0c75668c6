// Which store the gateway runs on: the SQLite file (the default: demo and single-node
// installs) or PostgreSQL when a URL is given (several gateways on one database).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "leadership.h"
#include "outbox_leases.h"
#include "read_pool.h"
#include "writer.h"

namespace fieldgate::store {

struct StoreSettings {
    std::string sqlite_path;
    std::string synchronous = "FULL";
    std::chrono::milliseconds checkpoint_every{5000};
    std::string url;       // non-empty: PostgreSQL
    std::string password;  // PostgreSQL's, from the secret store
    // PostgreSQL: a statement unanswered this long drops its connection (0: wait forever).
    std::chrono::milliseconds answer_timeout{20000};
    WriterLimits limits;
};

struct OpenedStore {
    std::unique_ptr<Writer> writer;
    std::unique_ptr<ReadPool> reads;
    std::unique_ptr<Leadership> leadership;  // who runs the one-at-a-time work
    // Several gateways deliver the outbox (PostgreSQL); null for a store of one gateway.
    std::unique_ptr<OutboxLeases> leases;
    std::string description;  // for the log: the file, or the URL (it never holds a password)
};

// Opens the store and brings its schema up to date; throws with the reason when it cannot.
OpenedStore open_store(const StoreSettings& settings);

}  // namespace fieldgate::store
