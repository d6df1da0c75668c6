// "Tried as a new user would": docs/onboarding.md performed exactly as written, against a
// running gateway. Every `<!-- file: PATH -->` block is written to PATH and every
// `<!-- run -->` block is run line by line with bash, in the gateway's folder, in the order the
// guide gives them (only the gateway's address is the test's own). The vendor the guide adds
// must go live without a restart.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/command_runner.h"
#include "support/gateway_process.h"
#include "support/onboarding_guide.h"
#include "support/vendor_folders.h"

namespace fieldgate::test {
namespace {

namespace fs = std::filesystem;

TEST(OnboardingGuide, FollowingTheGuideAddsAVendorThatGoesLiveWithoutARestart) {
    const auto steps = read_guide(source_path("docs/onboarding.md"));
    int files = 0, runs = 0;
    for (const auto& s : steps) (s.kind == GuideStep::kFile ? files : runs)++;
    ASSERT_GE(files, 5);  // README, mapping, three samples
    ASSERT_GE(runs, 5);

    // The gateway's folder as the guide assumes it: gateway.json, secrets/, vendor_schemas/.
    VendorFolders folders;
    GatewayProcess gw(
        {{"vendor_schemas", folders.root().string()}, {"poll", {{"enabled", false}}}});
    const fs::path home = gw.dir().path();
    fs::create_directory_symlink(folders.root(), home / "vendor_schemas");
    const std::string url = "http://127.0.0.1:" + std::to_string(gw.port());
    const std::string bin_dir = fs::path(fieldgate_binary()).parent_path().string();

    std::string last_output;
    std::string reload_answer;
    for (const auto& step : steps) {
        if (step.kind == GuideStep::kFile) {
            const auto target = home / step.path;
            fs::create_directories(target.parent_path());
            std::ofstream(target, std::ios::binary) << step.content;
            continue;
        }
        std::istringstream commands(step.content);
        for (std::string line; std::getline(commands, line);) {
            if (line.empty()) continue;
            const auto command = replace_all(line, "http://127.0.0.1:8080", url);
            const auto r = run_command("cd " + shell_quote(home.string()) +
                                       " && PATH=" + shell_quote(bin_dir) +
                                       ":$PATH bash -euo pipefail -c " + shell_quote(command));
            ASSERT_EQ(r.exit_code, 0) << "guide command failed: " << line << "\n" << r.output;
            last_output = r.output;
            if (line.find("vendor check") != std::string::npos) {
                EXPECT_NE(r.output.find("ready: the folder can go live"), std::string::npos)
                    << r.output;
                EXPECT_NE(r.output.find("3 of 3 samples as expected"), std::string::npos)
                    << r.output;
                EXPECT_NE(r.output.find("incomplete_reason 'DOG' in unknown-reason"),
                          std::string::npos)
                    << r.output;
                // Run before the guide's secrets step: the tool says what is still missing.
                EXPECT_NE(r.output.find("secret 'harbor-haulers/api-key' is not configured yet"),
                          std::string::npos)
                    << r.output;
            }
            if (line.find("/v1/admin/vendors/reload") != std::string::npos)
                reload_answer = r.output;
            if (line.find("/v1/vendors/harbor-haulers/results") != std::string::npos) {
                EXPECT_NE(r.output.find("accepted"), std::string::npos) << r.output;
            }
        }
    }
    // The files the guide had the tool write are the golden cases now.
    EXPECT_TRUE(fs::exists(home / "vendor_schemas/harbor-haulers/samples/completed/expected.json"));
    EXPECT_TRUE(
        fs::exists(home / "vendor_schemas/harbor-haulers/samples/unknown-reason/expected.err"));

    const auto reload = nlohmann::json::parse(reload_answer);
    ASSERT_EQ(reload.at("added"), nlohmann::json::array({"harbor-haulers"})) << reload_answer;
    std::string version;
    for (const auto& v : reload.at("vendors"))
        if (v.at("id") == "harbor-haulers") version = v.at("mapping_version");

    // The last command of the guide reads the order back: completed, by the new mapping.
    const auto order = nlohmann::json::parse(last_output).at("items").at(0);
    EXPECT_EQ(order.at("status"), "completed") << last_output;
    EXPECT_EQ(order.at("outcome").at("mapping_version"), version) << last_output;
    EXPECT_TRUE(gw.running());  // the same process throughout: no restart
}

}  // namespace
}  // namespace fieldgate::test
