// The multi-instance scenarios (issue 19): three gateways on one PostgreSQL cluster behind
// HAProxy, under load from every source at once (tests/fault/pg_mixed_load.h), while
//   pg-kill9-instances  one gateway after another is killed with SIGKILL every 2-4 s and
//                       restarted, FAULT_KILL_CYCLES times;
//   pg-restart          PostgreSQL stops as a crash would leave it and starts again, once per
//                       five cycles;
//   pg-cut-instance     the gateway leading polling loses the database (its fault proxy cuts
//                       every connection and refuses new ones) and gets it back, once per five
//                       cycles.
// Each ends with the account (FAULT-REPORT): every result answered 2xx, stop event PUBACKed,
// crew action settled and pickup the vendor held is in the store once and reached the CRM once,
// every work order's events in their order; and the work one gateway leads (polling; delivery is
// shared by leases) moved to another when its leader went.
#include <gtest/gtest.h>

#include <random>

#include "fault/pg_mixed_load.h"

namespace fieldgate::test {
namespace {

void print_lb(PgFaultRig& rig) {
    std::cout << "[ pg-fault ] HAProxy:";
    for (const auto& [name, s] : rig.lb().server_stats())
        std::cout << " " << name << " " << s.status << " (" << s.retries << " retries, "
                  << s.redispatches << " redispatched, " << s.responses_5xx << " 5xx)";
    std::cout << std::endl;
}

TEST(FaultPg, Kill9EachInstanceInTurn) {
    PgFaultRig rig;
    const int cycles = pg_fault_cycles();
    MixedLoad load(rig, std::chrono::seconds(cycles * 4 + 2));

    struct Kill {
        int victim;
        int polling_leader;  // who led polling as the kill came (-1: not known)
        std::string at;
    };
    std::vector<Kill> kills;
    std::mt19937 rng(19);
    std::uniform_int_distribution<int> up_ms(2000, 4000), down_ms(0, 1000);
    load.run([&] {
        for (int c = 0; c < cycles; ++c) {
            std::this_thread::sleep_for(std::chrono::milliseconds(up_ms(rng)));
            const int victim = c % rig.size();  // each in turn
            Kill k{victim, rig.leader(Role::polling), ""};
            k.at = rig.kill9(victim);
            kills.push_back(k);
            std::this_thread::sleep_for(std::chrono::milliseconds(down_ms(rng)));
            rig.restart(victim);
        }
        std::this_thread::sleep_for(2s);  // load on the whole set again for a moment
    });

    auto account = load.account("pg-kill9-instances", kills.size());
    account.print();
    std::cout << "[ pg-fault ] " << load.summary() << std::endl;
    print_lb(rig);
    // Leadership: each kill of a role's leader handed the role to another gateway (the first to
    // take it after the kill was not the one killed, which was restarting).
    for (const Role role : {Role::polling}) {
        int leader_kills = 0;
        for (const auto& k : kills) {
            const int led = k.polling_leader;
            if (led != k.victim) continue;
            ++leader_kills;
            const auto next = rig.first_take_after(role, k.at);
            ASSERT_TRUE(next) << role_name(role) << " not led again after " << rig.name(k.victim)
                              << ", its leader, was killed at " << k.at;
            EXPECT_NE(next->instance, k.victim) << role_name(role);
            std::cout << "[ pg-fault ] " << role_name(role) << ": leader " << rig.name(k.victim)
                      << " killed at " << k.at << ", " << rig.name(next->instance) << " took over "
                      << stamp_ms_between(k.at, next->at) << " ms later" << std::endl;
        }
        // Each gateway is killed in turn and only a leader's death moves a role, so a round
        // over every gateway kills each role's leader at least once.
        if (cycles >= rig.size()) {
            EXPECT_GE(leader_kills, 1) << "no kill hit the " << role_name(role) << " leader";
        }
    }
    EXPECT_EQ(account.cycles, static_cast<std::uint64_t>(cycles));
    // HAProxy sends a request to a killed gateway elsewhere unless it was already in flight
    // there, so few kills land on one: over a full run some do (the short one may be lucky).
    if (cycles >= 10) {
        EXPECT_GT(load.http().refused(), 0u)
            << "no kill landed while a vendor request was in flight";
    }
    expect_nothing_lost_or_duplicated(account);
}

TEST(FaultPg, DatabaseRestartUnderLoad) {
    PgFaultRig rig;
    const int restarts = pg_outage_cycles();
    MixedLoad load(rig, std::chrono::seconds(restarts * 7 + 2));

    std::vector<std::string> lines;
    load.run([&] {
        for (int c = 0; c < restarts; ++c) {
            std::this_thread::sleep_for(3s);
            const int port = rig.cluster().port();
            const auto at = log_stamp();
            rig.cluster().stop();  // immediate: no shutdown checkpoint, as a crash leaves it
            // Every gateway sees it and leaves rotation by itself.
            for (int i = 0; i < rig.size(); ++i) {
                EXPECT_TRUE(wait_until([&] { return rig.readyz(i) == 503; }, 30s))
                    << rig.name(i) << " still ready with the database down";
                EXPECT_TRUE(rig.lb().wait_status(rig.name(i), "DOWN", 30s)) << rig.name(i);
            }
            std::this_thread::sleep_for(1s);
            rig.cluster().start();
            ASSERT_EQ(rig.cluster().port(), port) << "the database came back on another port";
            const auto up = std::chrono::steady_clock::now();
            // ... and comes back by itself: ready, in rotation, every role led again.
            for (int i = 0; i < rig.size(); ++i) {
                EXPECT_TRUE(wait_until([&] { return rig.readyz(i) == 200; }, 60s))
                    << rig.name(i) << " not ready again:\n"
                    << rig.log(i);
                EXPECT_TRUE(rig.lb().wait_status(rig.name(i), "UP", 60s)) << rig.name(i);
            }
            const auto back_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - up)
                                     .count();
            std::string line = "restart " + std::to_string(c + 1) + " at " + at +
                               ": every gateway back in rotation " + std::to_string(back_ms) +
                               " ms after the database";
            for (const Role role : {Role::polling}) {
                const auto next = rig.first_take_after(role, at, 60s);
                EXPECT_TRUE(next) << role_name(role) << " not led again after the restart";
                if (next)
                    line += std::string(", ") + role_name(role) + " led again by " +
                            rig.name(next->instance);
            }
            lines.push_back(line);
        }
        std::this_thread::sleep_for(2s);
    });

    auto account = load.account("pg-restart", lines.size());
    account.print();
    std::cout << "[ pg-fault ] " << load.summary() << std::endl;
    for (const auto& l : lines) std::cout << "[ pg-fault ] " << l << std::endl;
    print_lb(rig);
    EXPECT_EQ(account.cycles, static_cast<std::uint64_t>(restarts));
    EXPECT_GT(load.http().refused(), 0u) << "no vendor request met the database down";
    expect_nothing_lost_or_duplicated(account);
}

TEST(FaultPg, InstanceCutFromTheDatabase) {
    PgFaultRigOptions options;
    options.db_proxies = true;
    PgFaultRig rig(options);
    const int cuts = pg_outage_cycles();
    MixedLoad load(rig, std::chrono::seconds(cuts * 8 + 2));

    std::vector<std::string> lines;
    load.run([&] {
        for (int c = 0; c < cuts; ++c) {
            std::this_thread::sleep_for(3s);
            int victim = rig.leader(Role::polling);  // the cut that moves a role
            if (victim < 0) victim = c % rig.size();
            const bool led_polling = rig.leader(Role::polling) == victim;
            const auto pid = rig.gw(victim).pid();
            const auto at = log_stamp();
            rig.db_proxy(victim).set_offline(true);
            // It leaves rotation by itself; the others stay in it, and one of them takes over
            // what it led.
            EXPECT_TRUE(wait_until([&] { return rig.readyz(victim) == 503; }, 30s))
                << rig.name(victim) << " still ready, cut from the database";
            EXPECT_TRUE(rig.lb().wait_status(rig.name(victim), "DOWN", 30s));
            for (int i = 0; i < rig.size(); ++i) {
                if (i != victim) {
                    EXPECT_EQ(rig.lb().status(rig.name(i)), "UP") << rig.name(i);
                }
            }
            std::string line = "cut " + std::to_string(c + 1) + " of " + rig.name(victim) + " at " +
                               at + ": out of rotation";
            for (const Role role : {Role::polling}) {
                if (role == Role::polling && !led_polling) continue;
                const auto next = rig.first_take_after(role, at, 60s);
                EXPECT_TRUE(next) << role_name(role) << " not led again after the cut";
                if (!next) continue;
                EXPECT_NE(next->instance, victim) << role_name(role);
                line += std::string(", ") + role_name(role) + " taken by " +
                        rig.name(next->instance) + " " +
                        std::to_string(stamp_ms_between(at, next->at)) + " ms after the cut";
            }
            std::this_thread::sleep_for(2s);  // cut off a while longer, under load
            rig.db_proxy(victim).set_offline(false);
            const auto restored = std::chrono::steady_clock::now();
            // ... and it comes back by itself: the same process, ready and in rotation again.
            EXPECT_TRUE(wait_until([&] { return rig.readyz(victim) == 200; }, 60s))
                << rig.name(victim) << " not ready again:\n"
                << rig.log(victim);
            EXPECT_TRUE(rig.lb().wait_status(rig.name(victim), "UP", 60s));
            EXPECT_TRUE(rig.gw(victim).running());
            EXPECT_EQ(rig.gw(victim).pid(), pid) << "it was restarted, not recovered";
            line += "; back in rotation " +
                    std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now() - restored)
                                       .count()) +
                    " ms after the database came back";
            lines.push_back(line);
        }
        std::this_thread::sleep_for(2s);
    });

    auto account = load.account("pg-cut-instance", lines.size());
    account.print();
    std::cout << "[ pg-fault ] " << load.summary() << std::endl;
    for (const auto& l : lines) std::cout << "[ pg-fault ] " << l << std::endl;
    print_lb(rig);
    EXPECT_EQ(account.cycles, static_cast<std::uint64_t>(cuts));
    expect_nothing_lost_or_duplicated(account);
}

}  // namespace
}  // namespace fieldgate::test
