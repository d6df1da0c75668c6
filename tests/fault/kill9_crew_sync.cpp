// kill9-crew-sync: crew tablets (the offline library, each with its own SQLite file) record
// actions and sync them, photos included, while the gateway is killed with SIGKILL and
// restarted FAULT_KILL_CYCLES times. After a final sync every recorded action is held as synced
// by its tablet (verdict received) and is on the gateway exactly once, its outcome's CRM event
// received by the CRM simulator exactly once, and every photo is there whole.
#include <gtest/gtest.h>

#include <atomic>
#include <exception>
#include <map>
#include <random>
#include <thread>

#include "fault/fault_rig.h"
#include "offline/crew_support.h"

namespace fieldgate::test {
namespace {

constexpr int kCrews = 6;
constexpr double kActionsPerSecond = 10;  // per tablet: arrived, then the outcome, per order
constexpr std::size_t kPhotoBytes = 200 * 1024;

struct Crew {
    std::string name;
    IssuedDevice device;
    std::vector<std::string> orders;
    std::unique_ptr<offline::Tablet> tablet;
    std::map<std::string, std::vector<std::string>> photos;  // action id -> photo hashes
    std::size_t recorded = 0;
    std::size_t failed_syncs = 0;
};

// Arrived, then an outcome (1 in 4 not collected, with a photo every other time), per order,
// syncing after each order, until the orders run out or the kills are over; then syncs only.
void work_the_day(Crew& crew, const TempDir& dir, const std::atomic<bool>& stop) {
    offline::SyncOptions sync;
    sync.timeout = std::chrono::seconds(5);
    sync.photo_chunk_bytes = 32 * 1024;  // several requests per photo: kills land inside uploads
    const auto pause = std::chrono::milliseconds(static_cast<int>(1000 / kActionsPerSecond));
    std::mt19937 rng(std::hash<std::string>{}(crew.name));
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
                outcome.photo_paths.push_back(dir.write(crew.name + "-" + order + ".jpg", bytes));
            }
        }
        const auto recorded = crew.tablet->record(outcome);
        ++crew.recorded;
        if (!recorded.photo_sha256.empty()) crew.photos[recorded.action_id] = recorded.photo_sha256;
        std::this_thread::sleep_for(pause);
        if (!crew.tablet->sync(sync).complete) ++crew.failed_syncs;
    }
    while (!stop.load()) {
        if (!crew.tablet->sync(sync).complete) ++crew.failed_syncs;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

TEST(FaultKill9, CrewSync) {
    FaultRig rig;
    const int cycles = kill_cycles();
    const std::string prefix = "k9c" + std::to_string(::getpid());
    // Enough orders to keep recording through every cycle (up to 1.5 s up plus the restart).
    const auto orders = static_cast<std::size_t>(kActionsPerSecond * 1.8 * cycles / 2) + 5;
    TempDir dir;
    std::vector<Crew> crews(kCrews);
    for (int c = 0; c < kCrews; ++c) {
        auto& crew = crews[static_cast<std::size_t>(c)];
        crew.name = prefix + "-" + std::to_string(c);
        crew.device = issue_device(rig.gw(), crew.name, crew.name + "-tab");
        for (std::size_t i = 0; i < orders; ++i)
            crew.orders.push_back(
                create_crew_order(rig.gw(), crew.name, crew.name + "-" + std::to_string(i)));
        crew.tablet = enrolled_tablet(rig.gw(), dir, crew.device);
        ASSERT_EQ(crew.tablet->pull(1), orders);
    }

    FaultAccount account{"kill9-crew-sync"};
    account.cycles = static_cast<std::uint64_t>(
        rig.run_kill_cycles_under(cycles, 11, [&](const std::atomic<bool>& stop) {
            std::vector<std::thread> tablets;
            std::vector<std::exception_ptr> errors(crews.size());
            for (std::size_t c = 0; c < crews.size(); ++c) {
                tablets.emplace_back([&, c] {
                    try {
                        work_the_day(crews[c], dir, stop);
                    } catch (...) {
                        errors[c] = std::current_exception();
                    }
                });
            }
            for (auto& t : tablets) t.join();
            for (const auto& e : errors)
                if (e) std::rethrow_exception(e);
        }));

    // Back to a gateway that stays up: each tablet syncs until it has nothing left to send.
    std::size_t failed_syncs = 0;
    for (auto& crew : crews) {
        bool complete = false;
        for (int attempt = 0; attempt < 20 && !complete; ++attempt)
            complete = crew.tablet->sync().complete;
        EXPECT_TRUE(complete) << crew.name;
        EXPECT_EQ(crew.tablet->status().pending_actions, 0u) << crew.name;
        failed_syncs += crew.failed_syncs;
    }

    ASSERT_TRUE(rig.wait_for_delivery()) << rig.crm_report();
    const auto crm = rig.crm_received();
    const auto stored = rig.stored_items(prefix + "-%/%");
    auto db = rig.store();
    std::size_t recorded = 0, photos = 0;
    for (const auto& crew : crews) {
        const auto outbox = crew.tablet->outbox();
        EXPECT_EQ(outbox.size(), crew.recorded) << crew.name;
        recorded += crew.recorded;
        for (const auto& e : outbox) {
            if (e.state != "settled") continue;  // not acknowledged: the tablet still holds it
            EXPECT_EQ(e.verdict, "accepted") << e.action_id << " " << e.result_json;
            const auto it = stored.find(crew.device.id + "/" + e.action_id);
            const StoredItem* item = it == stored.end() ? nullptr : &it->second;
            // On the gateway: the action once (its key is the primary key) and its outcome.
            if (count_rows(db,
                           "SELECT COUNT(*) FROM crew_actions WHERE device_id = ? AND "
                           "action_id = ?",
                           {crew.device.id, e.action_id}) != 1)
                item = nullptr;
            // With its photos whole: every chunk committed, the upload complete.
            const auto p = crew.photos.find(e.action_id);
            for (const auto& sha :
                 p == crew.photos.end() ? std::vector<std::string>{} : p->second) {
                ++photos;
                if (count_rows(db,
                               "SELECT COUNT(*) FROM crew_photos WHERE sha256 = ? AND state = "
                               "'complete' AND received = size AND size = " +
                                   std::to_string(kPhotoBytes),
                               {sha}) != 1)
                    item = nullptr;
            }
            account_for(account, item, &crm);
        }
    }
    const auto report = rig.crm_report();
    EXPECT_EQ(report["bad_signatures"], 0);
    EXPECT_EQ(report["out_of_order"], 0);

    account.print();
    std::cout << "[ kill9    ] " << account.cycles << " kill -9 cycles; " << kCrews
              << " tablets recorded " << recorded << " actions (" << photos << " photos); "
              << failed_syncs << " syncs cut short by a kill\n";
    EXPECT_EQ(account.cycles, static_cast<std::uint64_t>(cycles));
    EXPECT_GT(failed_syncs, 0u) << "no kill landed during a sync";
    EXPECT_GT(account.acknowledged, 0u);
    EXPECT_EQ(account.acknowledged, recorded);
    expect_nothing_lost_or_duplicated(account);
}

}  // namespace
}  // namespace fieldgate::test
