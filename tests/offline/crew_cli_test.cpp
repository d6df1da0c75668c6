// fieldgate-crew and fieldgate-tablet-sim, the binaries, against the real gateway.
#include <sys/wait.h>
#include <cstdio>

#include "crew_support.h"

namespace fieldgate::test {
namespace {

struct Run {
    int status = -1;
    std::string out;
};

// Runs a shell command line; stdout captured, stderr folded in.
Run run(const std::string& command) {
    Run r;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return r;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) r.out.append(buffer, n);
    const int status = pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

TEST(CrewCli, EveryCommandDrivesTheTabletAgainstTheGateway) {
    GatewayProcess gw;
    TempDir dir;
    const auto device = issue_device(gw, "cli", "cli-1");
    const auto done = create_crew_order(gw, "cli", "SR-CLI-1");
    const auto missed = create_crew_order(gw, "cli", "SR-CLI-2");
    const auto photo = dir.write("curb.jpg", std::string(5000, 'p'));
    const std::string crew = std::string(FIELDGATE_BINARY_DIR) + "/offline/fieldgate-crew --db " +
                             dir.file("tablet.db") + " ";

    auto r = run(crew + "register --gateway 127.0.0.1:" + std::to_string(gw.port()) + " --device " +
                 device.id + " --token " + device.token);
    ASSERT_EQ(r.status, 0) << r.out;
    r = run(crew + "pull --days 2");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("2 assignments"), std::string::npos) << r.out;
    r = run(crew + "list --json");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(nlohmann::json::parse(r.out).size(), 2u);

    EXPECT_EQ(
        run(crew + "record arrived --order " + done + " --lat 37.3377 --lon -121.8863").status, 0);
    EXPECT_EQ(run(crew + "record completed --order " + done + " --photo " + photo).status, 0);
    // A reason is required, and must be one of the catalog's.
    EXPECT_NE(run(crew + "record not-collected --order " + missed).status, 0);
    r = run(crew + "record not-collected --order " + missed + " --reason NOPE");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_EQ(run(crew + "record not-collected --order " + missed + " --reason NOT_SET_OUT").status,
              0);
    EXPECT_EQ(
        run(crew + "record note --order " + missed + " --detail 'nothing at the curb'").status, 0);

    r = run(crew + "status");
    ASSERT_EQ(r.status, 0) << r.out;
    auto status = nlohmann::json::parse(r.out);
    EXPECT_EQ(status["pending_actions"], 4);
    EXPECT_EQ(status["pending_photos"], 1);

    r = run(crew + "sync");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("accepted 3"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("noted 1"), std::string::npos) << r.out;
    status = nlohmann::json::parse(run(crew + "status").out);
    EXPECT_EQ(status["pending_actions"], 0);
    EXPECT_EQ(status["settled_actions"], 4);
    EXPECT_EQ(get_order(gw, done)["status"], "completed");
    EXPECT_EQ(get_order(gw, missed)["status"], "not_collected");
    r = run(crew + "outbox");
    EXPECT_NE(r.out.find("settled  accepted"), std::string::npos) << r.out;
}

TEST(CrewCli, TheTabletSimulatorEndsWithNothingPending) {
    GatewayProcess gw;
    TempDir dir;
    const auto admin = dir.write("admin", gw.secrets.admin);
    const auto crm = dir.write("crm", gw.secrets.crm);
    const auto r =
        run(std::string(FIELDGATE_BINARY_DIR) +
            "/simulators/tablet_sim/fieldgate-tablet-sim --gateway 127.0.0.1:" +
            std::to_string(gw.port()) + " --admin-token-file " + admin + " --crm-token-file " +
            crm + " --crews 3 --orders 5 --seed 11 --dir " + dir.file("tablets"));
    ASSERT_EQ(r.status, 0) << r.out;
    const auto summary = nlohmann::json::parse(r.out);
    EXPECT_EQ(summary["pending"], 0);
    EXPECT_EQ(summary["errors"], 0);
    std::size_t recorded = 0;
    for (const auto& crew : summary["crews"]) recorded += crew["recorded"].get<std::size_t>();
    EXPECT_EQ(recorded, 30u);
    auto db = gateway_db(gw);
    EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM crew_actions", {}), 30);
}

}  // namespace
}  // namespace fieldgate::test
