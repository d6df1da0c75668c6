// Which vendor each truck belongs to and which route it drives, kept in memory for the message
// path and taken from the store, which several gateways share: everything the store knows at
// start, then again every refresh interval (a route assignment another gateway received reaches
// this one within it), and what the writer answers for a truck this gateway has not met.
// A truck id belongs to the first vendor it was seen under, as the store decides
// (TruckRepository::claim_truck, in the writer job of the truck's first message here): once
// the store has said, a truck's vendor never changes, so memory answers for it (vendor_of). A
// route learned here wins over the store's until its write has committed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "read_pool.h"
#include "truck_repository.h"

namespace fieldgate::mqtt {

struct TruckInfo {
    std::string truck_id;
    std::string vendor;
    std::string route_id;  // "" when not assigned
    std::string route_date;
};

class TruckDirectory {
  public:
    // `refresh`: how old what memory holds of the store's trucks may get.
    explicit TruckDirectory(store::ReadPool& reads,
                            std::chrono::milliseconds refresh = std::chrono::seconds(3));
    ~TruckDirectory();
    TruckDirectory(const TruckDirectory&) = delete;
    TruckDirectory& operator=(const TruckDirectory&) = delete;

    // Every truck the store knows (at start; again by the refresher).
    void load();
    // Reloads every refresh interval on a thread of its own, until stop().
    void start();
    void stop();

    // Memory only (the message path): the truck with the vendor it was first met under here
    // (the store's answer, or until it comes the vendor of the first message); nullopt for a
    // truck this gateway has not met.
    std::optional<TruckInfo> find(const std::string& truck_id) const;
    // Memory only: the vendor the store says the truck belongs to; nullopt until it has said.
    std::optional<std::string> vendor_of(const std::string& truck_id) const;
    // vendor_of, else the store (a read): nullopt when no gateway has seen the truck.
    std::optional<std::string> lookup(const std::string& truck_id);
    // A truck met under `vendor` whose owner the store has not told yet: remembered as
    // `vendor`'s until it does. True when no claim of it is under way (the caller submits one).
    bool claiming(const std::string& truck_id, const std::string& vendor);
    // The store's answer for a truck (claim_truck's row), or nullptr when the claim did not
    // commit (a later message claims again). Safe to call from the writer's thread after the
    // directory is gone: for writer callbacks.
    using Learn = std::function<void(const std::string& truck_id, const store::TruckRow* row)>;
    Learn learner() const;
    void learn(const store::TruckRow& row);
    // A route assignment received here for a truck whose owner the store has told, before its
    // write commits; call the returned function once the write is done (committed or not):
    // until then a reload does not undo it.
    std::function<void()> assign(const std::string& truck_id, const std::string& route_id,
                                 const std::string& route_date);
    std::vector<TruckInfo> assigned() const;

  private:
    struct Entry {
        TruckInfo info;
        bool settled = false;                             // info.vendor is the store's answer
        bool claiming = false;                            // a claim is on its way to the store
        int writing = 0;                                  // route writes not done yet
        std::chrono::steady_clock::time_point changed{};  // last local route change or its write
    };
    // Shared with the writer's callbacks, which may run after the directory is gone.
    struct State {
        mutable std::mutex mutex;
        std::unordered_map<std::string, Entry> trucks;
    };
    void loop();
    static void learn_into(State& state, const store::TruckRow& row);

    store::ReadPool& reads_;
    std::chrono::milliseconds refresh_;
    std::shared_ptr<State> state_ = std::make_shared<State>();
    std::mutex thread_mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace fieldgate::mqtt
