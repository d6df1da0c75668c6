// The tablet's own SQLite file: settings, assignments, the outbox of crew actions, photos. The only
// place of the library that holds SQL or names SQLite; the rest asks LocalStore by name.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fieldgate/offline.h"

namespace fieldgate::sqlite {
class Connection;
}

namespace fieldgate::offline {

// True when `e` is a failure of the tablet database itself (not of the input or the network).
bool is_storage_failure(const std::exception& e);

struct PendingAction {
    std::int64_t seq = 0;
    std::string body;  // the action as JSON, as it is pushed
};

struct PendingPhoto {
    std::string sha256;
    std::string path;
    std::int64_t size = 0;
};

struct NewAction {
    std::int64_t seq = 0;
    std::string action_id;
    std::string work_order_id;
    std::string type;
    std::string body;  // JSON
    std::string recorded_at;
};

struct NewPhoto {
    std::string sha256;
    std::string path;
    std::int64_t size = 0;
};

class LocalStore {
  public:
    // BEGIN IMMEDIATE ... COMMIT, rolled back when the scope is left by an exception.
    class Transaction {
      public:
        explicit Transaction(LocalStore& store);
        ~Transaction();
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;
        void commit();

      private:
        sqlite::Connection& db_;
        bool done_ = false;
    };

    // Opens (creating when needed) the file at `path` and creates the tables when missing.
    explicit LocalStore(const std::string& path);
    ~LocalStore();
    LocalStore(const LocalStore&) = delete;
    LocalStore& operator=(const LocalStore&) = delete;

    std::optional<std::string> setting(const std::string& key);
    void put_setting(const std::string& key, const std::string& value);

    // The gateway's JSON view of each assignment, by scheduled date then work order id.
    std::vector<std::string> assignment_views();
    std::optional<std::string> assignment_view(const std::string& work_order_id);
    // One assignment as the gateway's view of the work order, stored or replaced.
    void upsert_assignment(const nlohmann::json& view, const std::string& now);
    void remove_assignment(const std::string& work_order_id);

    // The sequence number the next recorded action gets (1 on a new tablet).
    std::int64_t next_seq();
    void add_action(const NewAction& action);
    // A photo already stored under its hash is kept as it is.
    void add_photo(const NewPhoto& photo, std::int64_t action_seq);
    // The oldest pending actions in device order, at most `limit`.
    std::vector<PendingAction> pending_actions(std::size_t limit);
    // Settles a pending action with the gateway's verdict; false when it was not pending.
    bool settle_action(const std::string& action_id, const std::string& verdict,
                       const std::string& result_json, const std::string& settled_at);
    std::vector<OutboxEntry> outbox_entries(bool pending_only);

    std::vector<PendingPhoto> pending_photos();
    void record_photo_progress(const std::string& sha256, std::int64_t uploaded);
    void mark_photo_complete(const std::string& sha256);
    void mark_photo_missing(const std::string& sha256);
    void mark_photo_corrupt(const std::string& sha256);

    std::size_t assignment_count();
    std::size_t pending_action_count();
    std::size_t settled_action_count();
    std::size_t pending_photo_count();

  private:
    void migrate();
    std::size_t count(const char* sql);

    std::unique_ptr<sqlite::Connection> db_;
};

}  // namespace fieldgate::offline
