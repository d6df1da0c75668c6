// Randomized trials of the whole crew sync (seeded, reproducible): tablets with skewed clocks
// record work offline, go through offline spells and syncs whose connection is cut after a
// random number of bytes in either direction (so at every step: the push, its reply, photo
// status and chunks, the change feed), while the CRM cancels orders and a second tablet of the
// crew records a contradicting outcome. After each trial: every action reached the gateway
// exactly once, every photo is intact, cancellations reached the tablet, the conflict policy
// held. One gateway serves all trials.
//
// FIELDGATE_TRIALS (default 200) and FIELDGATE_TRIAL_SEED (default 20261123) reproduce a run.
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "crew_support.h"
#include "fault_proxy.h"
#include "ids.h"
#include "time_util.h"

namespace fieldgate::test {
namespace {

using offline::ActionInput;
using Direction = sim::FaultProxy::Direction;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

class Rng {
  public:
    explicit Rng(std::uint64_t seed) : engine_(seed) {}
    int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(engine_); }
    bool chance(double p) { return std::bernoulli_distribution(p)(engine_); }
    template <typename T>
    const T& pick(const std::vector<T>& v) {
        return v[static_cast<std::size_t>(between(0, static_cast<int>(v.size()) - 1))];
    }

  private:
    std::mt19937_64 engine_;
};

// "POST /v1/sync/actions: ..." -> "POST /v1/sync/actions" (photo hashes and queries dropped).
std::string step_of(const std::string& error) {
    const auto space = error.find(' ');
    if (space == std::string::npos) return "other";
    auto end = error.find_first_of(":?", space);
    std::string step = error.substr(0, end);
    if (const auto photos = step.find("/photos/"); photos != std::string::npos)
        step = step.substr(0, photos + 7);
    return step;
}

struct Totals {
    std::size_t trials = 0, actions = 0, photos = 0, cuts = 0, offline_attempts = 0,
                failed_syncs = 0, cancellations = 0, conflicts = 0, skewed = 0;
    std::map<std::string, std::size_t> failed_at;  // which step each failed attempt stopped at
};

class CrewSyncTrials : public ::testing::Test {
  protected:
    // Arms one random fault (or none) for the next attempt.
    void arm_fault(Rng& rng, sim::FaultProxy& proxy, Totals& totals, bool allow) {
        proxy.disarm();
        proxy.set_offline(false);
        if (!allow) return;
        const int roll = rng.between(0, 9);
        if (roll < 4) {
            // Mostly within the small requests (pushes, photo status, the feed), sometimes far
            // into a photo's chunks.
            const int most = rng.chance(0.7) ? 3000 : 60000;
            proxy.cut_after(Direction::to_server, static_cast<std::size_t>(rng.between(0, most)));
        } else if (roll < 7) {
            proxy.cut_after(Direction::to_client, static_cast<std::size_t>(rng.between(0, 3000)));
        } else if (roll < 8) {
            proxy.set_offline(true);
            ++totals.offline_attempts;
        }
    }
};

TEST_F(CrewSyncTrials, EveryActionArrivesExactlyOnceThroughCutsAndOfflineSpells) {
    const auto trials = env_number("FIELDGATE_TRIALS", 200);
    const auto base_seed = env_number("FIELDGATE_TRIAL_SEED", 20261123);
    GatewayProcess gw;
    sim::FaultProxy proxy("127.0.0.1", gw.port());
    TempDir dir;
    auto db = gateway_db(gw);
    Totals totals;
    const std::vector<std::string> reasons = {"NOT_SET_OUT", "ACCESS_BLOCKED", "OVER_SIZE_LIMIT",
                                              "UNACCEPTABLE_ITEMS", "SAFETY_HAZARD"};

    for (std::uint64_t trial = 0; trial < trials; ++trial) {
        const auto seed = base_seed + trial;
        SCOPED_TRACE("trial " + std::to_string(trial) + ", FIELDGATE_TRIAL_SEED=" +
                     std::to_string(base_seed) + " (seed " + std::to_string(seed) + ")");
        Rng rng(seed);
        const std::string crew = "trial" + std::to_string(seed);
        const auto device = issue_device(gw, crew, crew + "-a");
        std::vector<std::string> orders;
        const int order_count = rng.between(1, 4);
        for (int i = 0; i < order_count; ++i)
            orders.push_back(create_crew_order(gw, crew, "SR-" + crew + "-" + std::to_string(i)));

        const bool skewed = rng.chance(0.3);
        const auto skew =
            skewed ? std::chrono::minutes(rng.between(5, 300)) * (rng.chance(0.5) ? 1 : -1)
                   : std::chrono::minutes(0);
        if (skewed) ++totals.skewed;
        auto tablet = enrolled_tablet(gw, dir, device,
                                      [skew] { return std::chrono::system_clock::now() + skew; });
        tablet->set_gateway({"127.0.0.1", proxy.port()});
        offline::SyncOptions options;
        options.batch_size = static_cast<std::size_t>(rng.between(1, 6));
        options.photo_chunk_bytes = static_cast<std::size_t>(rng.between(4096, 16384));
        options.timeout = std::chrono::seconds(30);

        // The day's download, itself through faults.
        bool pulled = false;
        for (int attempt = 0; attempt < 40 && !pulled; ++attempt) {
            arm_fault(rng, proxy, totals, attempt < 10);
            try {
                pulled = tablet->pull(2) == orders.size();
            } catch (const std::exception& e) {
                ++totals.failed_at[step_of(e.what())];
            }
        }
        proxy.disarm();
        proxy.set_offline(false);
        ASSERT_TRUE(pulled);

        // Meanwhile at the CRM and on the crew's other tablet.
        std::optional<std::string> cancelled;
        if (orders.size() > 1 && rng.chance(0.3)) {
            cancelled = orders.back();
            ASSERT_EQ(cancel_order(gw, *cancelled), 200);
            ++totals.cancellations;
        }
        const bool rival = rng.chance(0.25);
        if (rival) {
            const auto other = issue_device(gw, crew, crew + "-b");
            auto t2 = enrolled_tablet(gw, dir, other);
            t2->record({"not_collected",
                        orders[0],
                        "ACCESS_BLOCKED",
                        "parked cars",
                        {},
                        {},
                        {},
                        {},
                        {},
                        std::nullopt});
            const auto r = t2->sync();
            ASSERT_TRUE(r.complete) << r.error;
        }

        // The crew's day, with sync attempts in between (often offline or cut).
        std::map<std::string, std::string> terminal_of;  // order -> terminal action type
        std::vector<std::string> photo_hashes;
        std::size_t recorded = 0;
        for (std::size_t i = 0; i < orders.size(); ++i) {
            const auto& order = orders[i];
            if (rng.chance(0.7)) {
                tablet->record(
                    {"arrived", order, "", "", 37.3377, -121.8863, 8.0, {}, {}, std::nullopt});
                ++recorded;
            }
            std::vector<std::string> photos;
            if (rng.chance(0.4)) {
                for (int p = rng.between(1, 2); p > 0; --p) {
                    std::string bytes(static_cast<std::size_t>(rng.between(1, 60000)), '\0');
                    for (auto& b : bytes) b = static_cast<char>(rng.between(0, 255));
                    photos.push_back(dir.write(
                        crew + "-" + std::to_string(i) + "-" + std::to_string(p) + ".jpg", bytes));
                    photo_hashes.push_back(sha256_hex(bytes));
                }
            }
            std::string type =
                rival && i == 0 ? "completed"
                                : rng.pick<std::string>({"completed", "partial", "not_collected"});
            const std::string reason = type == "completed" ? "" : rng.pick(reasons);
            tablet->record({type, order, reason, "", 37.3377, -121.8863, 8.0, photos,
                            type == "completed" ? std::optional<std::int64_t>(2) : std::nullopt,
                            std::nullopt});
            terminal_of[order] = type;
            ++recorded;
            if (rng.chance(0.3)) {
                tablet->record({"note",
                                order,
                                "",
                                "note " + std::to_string(i),
                                {},
                                {},
                                {},
                                {},
                                {},
                                std::nullopt});
                ++recorded;
            }
            if (rng.chance(0.4)) {
                arm_fault(rng, proxy, totals, true);
                const auto report = tablet->sync(options);
                if (!report.complete) {
                    ++totals.failed_syncs;
                    ++totals.failed_at[step_of(report.error)];
                }
            }
        }

        // Back in coverage: sync until done; faults for the first attempts only.
        bool complete = false;
        for (int attempt = 0; attempt < 60 && !complete; ++attempt) {
            arm_fault(rng, proxy, totals, attempt < 12);
            const auto report = tablet->sync(options);
            complete = report.complete;
            if (!complete) {
                ++totals.failed_syncs;
                ++totals.failed_at[step_of(report.error)];
            }
        }
        proxy.disarm();
        proxy.set_offline(false);
        ASSERT_TRUE(complete);

        // Exactly once: the gateway holds every action of the tablet once, and an outcome for
        // exactly those whose verdict says one was stored.
        const auto outbox = tablet->outbox();
        ASSERT_EQ(outbox.size(), recorded);
        EXPECT_EQ(tablet->status().pending_actions, 0u);
        EXPECT_EQ(
            count_rows(db, "SELECT COUNT(*) FROM crew_actions WHERE device_id = ?", {device.id}),
            static_cast<std::int64_t>(recorded));
        std::int64_t with_outcome = 0;
        for (const auto& e : outbox) {
            SCOPED_TRACE(e.action_id + " " + e.type + " " + e.verdict);
            EXPECT_EQ(e.state, "settled");
            EXPECT_EQ(count_rows(db,
                                 "SELECT COUNT(*) FROM crew_actions WHERE device_id = ? AND "
                                 "action_id = ? AND verdict = ?",
                                 {device.id, e.action_id, e.verdict}),
                      1);
            const bool stores_outcome =
                e.verdict == "accepted" || e.verdict == "late" || e.verdict == "conflict";
            with_outcome += stores_outcome ? 1 : 0;
            EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM outcomes WHERE vendor_ref = ?",
                                 {device.id + "/" + e.action_id}),
                      stores_outcome ? 1 : 0);
            EXPECT_NE(e.verdict, "rejected") << e.result_json;
            // Policy: on a cancelled order nothing from the field applies.
            if (cancelled && e.work_order_id == *cancelled && e.type != "note") {
                EXPECT_EQ(e.verdict, "cancelled");
            }
            // Policy: the first terminal outcome (the other tablet's) wins.
            if (rival && e.work_order_id == orders[0] && e.type == "completed") {
                EXPECT_EQ(e.verdict, "conflict");
                ++totals.conflicts;
            }
        }
        EXPECT_EQ(
            count_rows(db, "SELECT COUNT(*) FROM outcomes WHERE source = ?", {"crew:" + device.id}),
            with_outcome);
        // Policy: a conflict (or a late progress) is kept, never sent to the CRM.
        EXPECT_EQ(count_rows(db,
                             "SELECT COUNT(*) FROM outbox o JOIN outcomes c ON o.outcome_id = c.id "
                             "WHERE c.source = ? AND c.disposition != 'applied'",
                             {"crew:" + device.id}),
                  0);
        totals.actions += recorded;

        // Every photo arrived whole, under its hash.
        for (const auto& sha : photo_hashes) {
            auto q =
                db.prepare("SELECT bytes FROM crew_photo_chunks WHERE sha256 = ? ORDER BY offset");
            q->bind(1, sha);
            std::string content;
            while (q->step()) content += q->text(0);
            EXPECT_EQ(sha256_hex(content), sha);
            EXPECT_EQ(count_rows(db,
                                 "SELECT COUNT(*) FROM crew_photos WHERE sha256 = ? AND state = "
                                 "'complete'",
                                 {sha}),
                      1);
        }
        totals.photos += photo_hashes.size();

        // Orders end as the field said, the cancelled one as the CRM said, and the tablet knows.
        for (const auto& order : orders) {
            const auto status = get_order(gw, order)["status"].get<std::string>();
            if (cancelled && order == *cancelled) {
                EXPECT_EQ(status, "cancelled");
                EXPECT_EQ(tablet->assignment(order)->status, "cancelled");
            } else if (rival && order == orders[0]) {
                EXPECT_EQ(status, "not_collected");
            } else {
                const auto& t = terminal_of[order];
                EXPECT_EQ(status, t == "partial" ? "partially_completed" : t);
            }
        }
        // A wrong device clock was detected and every event time corrected.
        if (skewed) {
            EXPECT_EQ(count_rows(db,
                                 "SELECT COUNT(*) FROM crew_actions WHERE device_id = ? AND "
                                 "(time_flag IS NULL OR time_flag != 'clock_corrected')",
                                 {device.id}),
                      0);
        }
        ++totals.trials;
        if (HasFatalFailure() || HasFailure()) break;
    }
    totals.cuts = proxy.cuts();
    std::printf(
        "trials %zu: %zu actions, %zu photos, %zu connection cuts, %zu offline attempts, %zu "
        "syncs cut short, %zu cancellations, %zu conflicts, %zu skewed clocks\n",
        totals.trials, totals.actions, totals.photos, totals.cuts, totals.offline_attempts,
        totals.failed_syncs, totals.cancellations, totals.conflicts, totals.skewed);
    for (const auto& [step, n] : totals.failed_at)
        std::printf("  stopped at %s: %zu\n", step.c_str(), n);
    EXPECT_EQ(totals.trials, trials);
    // Faults hit every step of a sync (and the day's download), not just the first request.
    if (trials >= 200) {
        for (const char* step :
             {"GET /v1/sync/assignments", "POST /v1/sync/actions", "GET /v1/sync/photos",
              "PUT /v1/sync/photos", "GET /v1/sync/changes"}) {
            EXPECT_GT(totals.failed_at[step], 0u) << step;
        }
    }
    // The harness really injected faults (else the trials prove little).
    EXPECT_GT(totals.cuts, trials / 2);
}

}  // namespace
}  // namespace fieldgate::test
