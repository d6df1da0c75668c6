// The crew-sync source of the multi-instance scenarios: three crew tablets (the offline library,
// each with its own SQLite file), enrolled through HAProxy, recording actions and syncing them
// through HAProxy, photos in 32 KB chunks (so the chunks of one photo land on several gateways);
// and their account: every action a tablet holds as settled is on the gateway once, photos
// whole, its outcome's CRM event received once.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fault/pg_fault_rig.h"
#include "offline/crew_support.h"

namespace fieldgate::test {

class CrewTablets {
  public:
    static constexpr std::size_t kCrews = 3;
    static constexpr double kActionsPerSecond = 4;  // per tablet
    static constexpr std::size_t kPhotoBytes = 200 * 1024;

    // A device and `orders` work orders for each crew (staff and the CRM reach a gateway
    // directly: nothing has failed yet), and its tablet enrolled through HAProxy.
    void prepare(PgFaultRig& rig, const std::string& prefix, std::size_t orders) {
        prefix_ = prefix;
        crews_.resize(kCrews);
        for (std::size_t c = 0; c < kCrews; ++c) {
            auto& crew = crews_[c];
            crew.name = prefix + "-" + std::to_string(c);
            crew.device = issue_device(rig.gw(0), crew.name, crew.name + "-tab");
            for (std::size_t i = 0; i < orders; ++i)
                crew.orders.push_back(
                    create_crew_order(rig.gw(0), crew.name, crew.name + "-" + std::to_string(i)));
            crew.tablet = std::make_unique<offline::Tablet>(dir_.file(crew.device.id + ".db"));
            crew.tablet->enroll({"127.0.0.1", rig.port()}, crew.device.id, crew.device.token);
            if (crew.tablet->pull(1) != orders)
                throw std::runtime_error(crew.name + " did not pull its orders");
        }
    }

    // Crew `c`: arrived, then an outcome (1 in 4 not collected, with a photo every other time),
    // per order, syncing after each order; once the orders run out, syncs only.
    void work_the_day(std::size_t c, const std::atomic<bool>& stop) {
        auto& crew = crews_.at(c);
        offline::SyncOptions sync;
        sync.timeout = std::chrono::seconds(5);
        sync.photo_chunk_bytes = 32 * 1024;
        const auto pause = std::chrono::milliseconds(static_cast<int>(1000 / kActionsPerSecond));
        std::mt19937 rng(static_cast<std::uint32_t>(std::hash<std::string>{}(crew.name)));
        for (std::size_t i = 0; i < crew.orders.size() && !stop.load(); ++i) {
            const auto& order = crew.orders[i];
            crew.tablet->record({"arrived", order, "", "", 37.3377, -121.8863, 8.0, {}, {}, {}});
            ++crew.recorded;
            std::this_thread::sleep_for(pause);
            offline::ActionInput outcome{"completed", order, "", "", 37.3377,
                                         -121.8863,   8.0,   {}, 1,  {}};
            if (i % 4 == 3) {
                outcome = {"not_collected",
                           order,
                           "NOT_SET_OUT",
                           "nothing at the curb",
                           37.3377,
                           -121.8863,
                           8.0,
                           {},
                           0,
                           {}};
                if (i % 8 == 7) {
                    std::string bytes(kPhotoBytes, '\0');
                    for (auto& b : bytes) b = static_cast<char>(rng());
                    outcome.photo_paths.push_back(
                        dir_.write(crew.name + "-" + order + ".jpg", bytes));
                }
            }
            const auto recorded = crew.tablet->record(outcome);
            ++crew.recorded;
            if (!recorded.photo_sha256.empty())
                crew.photos[recorded.action_id] = recorded.photo_sha256;
            std::this_thread::sleep_for(pause);
            if (!crew.tablet->sync(sync).complete) ++crew.failed_syncs;
        }
        while (!stop.load()) {
            if (!crew.tablet->sync(sync).complete) ++crew.failed_syncs;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }

    // No more faults: each tablet syncs until it has nothing left to send.
    void finish() {
        for (auto& crew : crews_) {
            bool complete = false;
            for (int attempt = 0; attempt < 20 && !complete; ++attempt) {
                complete = crew.tablet->sync().complete;
                if (!complete) std::this_thread::sleep_for(std::chrono::milliseconds(500));
            }
            EXPECT_TRUE(complete) << crew.name;
            EXPECT_EQ(crew.tablet->status().pending_actions, 0u) << crew.name;
            failed_syncs_ += crew.failed_syncs;
        }
    }

    // Every action a tablet holds as settled (its verdict received: acknowledged) must be on
    // the gateway once (its key is the primary key), with its photos complete, and have made
    // one CRM event the CRM received.
    void account(const PgFaultRig& rig, FaultAccount& account, const std::set<std::string>& crm) {
        const auto stored = rig.stored_items(prefix_ + "-%/%");
        auto db = rig.db();
        const auto one = [&](const std::string& sql, const std::vector<std::string>& params) {
            pg::Params p;
            for (const auto& v : params) p.text(v);
            return db->query(sql, p).integer(0, 0) == 1;
        };
        int shown = 0;
        for (const auto& crew : crews_) {
            const auto outbox = crew.tablet->outbox();
            EXPECT_EQ(outbox.size(), crew.recorded) << crew.name;
            actions_ += crew.recorded;
            for (const auto& e : outbox) {
                if (e.state != "settled") continue;  // not acknowledged: the tablet holds it
                EXPECT_EQ(e.verdict, "accepted") << e.action_id << " " << e.result_json;
                const auto it = stored.find(crew.device.id + "/" + e.action_id);
                const StoredItem* item = it == stored.end() ? nullptr : &it->second;
                if (!one("SELECT COUNT(*) FROM crew_actions WHERE device_id = $1 AND action_id = "
                         "$2",
                         {crew.device.id, e.action_id}))
                    item = nullptr;
                const auto p = crew.photos.find(e.action_id);
                for (const auto& sha :
                     p == crew.photos.end() ? std::vector<std::string>{} : p->second) {
                    ++photos_;
                    if (!one("SELECT COUNT(*) FROM crew_photos WHERE sha256 = $1 AND state = "
                             "'complete' AND received = size AND size = " +
                                 std::to_string(kPhotoBytes),
                             {sha}))
                        item = nullptr;
                }
                const auto lost = account.lost;
                account_for(account, item, &crm);
                if (account.lost != lost && shown++ < 10)
                    std::cout << "[ pg-fault ] lost (crew-sync): " << crew.device.id << "/"
                              << e.action_id << std::endl;
            }
        }
        EXPECT_EQ(account.acknowledged, actions_) << "actions the tablets still hold";
    }

    std::size_t actions() const { return actions_; }
    std::size_t photos() const { return photos_; }
    std::size_t failed_syncs() const { return failed_syncs_; }

  private:
    struct Crew {
        std::string name;
        IssuedDevice device;
        std::vector<std::string> orders;
        std::unique_ptr<offline::Tablet> tablet;
        std::map<std::string, std::vector<std::string>> photos;  // action id -> photo hashes
        std::size_t recorded = 0;
        std::size_t failed_syncs = 0;
    };

    TempDir dir_;
    std::string prefix_;
    std::vector<Crew> crews_;
    std::size_t actions_ = 0, photos_ = 0, failed_syncs_ = 0;
};

}  // namespace fieldgate::test
