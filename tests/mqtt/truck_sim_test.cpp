// The truck simulator end to end: it creates its stops as work orders, drives two trucks past
// them, and every stop event it publishes ends as an outcome in the gateway.
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "mqtt_rig.h"

namespace fieldgate::test {
namespace {

TEST(TruckSim, ItsStopEventsEndAsOutcomesInTheGateway) {
    MqttRig rig;
    TempDir dir;
    const auto token = dir.write("crm-token", rig.gw().secrets.crm);
    const auto out = dir.file("summary.json");
    const std::string binary =
        std::string(FIELDGATE_BINARY_DIR) + "/simulators/truck_sim/fieldgate-truck-sim";
    std::vector<std::string> args = {binary,
                                     "--broker",
                                     rig.broker().uri(),
                                     "--trucks",
                                     "2",
                                     "--stops",
                                     "2",
                                     "--speed-mps",
                                     "200",
                                     "--rate",
                                     "5",
                                     "--duration",
                                     "6",
                                     "--drop-every",
                                     "3",
                                     "--create-orders",
                                     "127.0.0.1:" + std::to_string(rig.gw().port()),
                                     "--crm-token-file",
                                     token};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;

    std::ifstream in(out);
    const auto summary = nlohmann::json::parse(in);
    EXPECT_EQ(summary["stop_events"], 4);
    EXPECT_GE(summary["drops"].get<int>(), 1);
    ASSERT_TRUE(wait_until(
        [&] {
            return rig.count(
                       "SELECT COUNT(*) FROM outcomes WHERE source LIKE 'truck:BH-T%' AND "
                       "outcome IS NOT NULL AND outcome != '' AND disposition = 'applied'") == 4;
        },
        30s))
        << rig.gw().log_text();
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM work_orders WHERE status IN ('completed', "
                        "'not_collected', 'cancelled', 'partially_completed')"),
              4);
    const auto trucks = rig.get("/v1/trucks");
    ASSERT_TRUE(trucks.is_object());
    EXPECT_EQ(trucks["items"].size(), 2u);
    EXPECT_EQ(trucks["items"][0]["state"], "offline");  // it said so when it finished
}

}  // namespace
}  // namespace fieldgate::test
