// The README's minimal gateway.json works as written: copied into an empty folder, the gateway
// starts with it, finds the vendor folders and answers.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "http_client.h"
#include "support/command_runner.h"
#include "support/temp_dir.h"

namespace fieldgate::test {
namespace {

std::string file_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The first ```json block after the sentence that introduces the minimal gateway.json.
std::string readme_minimal_config() {
    const auto readme = file_text(source_path("README.md"));
    const auto intro = readme.find("A minimal `gateway.json`");
    if (intro == std::string::npos) return "";
    const auto start = readme.find("```json\n", intro);
    const auto end = readme.find("```\n", start + 8);
    if (start == std::string::npos || end == std::string::npos) return "";
    return readme.substr(start + 8, end - start - 8);
}

TEST(ReadmeMinimalConfig, StartsAsWritten) {
    const auto config = readme_minimal_config();
    ASSERT_FALSE(config.empty()) << "README.md has no minimal gateway.json block";
    ASSERT_TRUE(nlohmann::json::accept(config)) << config;
    TempDir dir;
    dir.write("gateway.json", config);
    // Only the port is changed (through the documented override), so tests can run side by side.
    const auto started =
        run_command("cd " + shell_quote(dir.path().string()) + " && FIELDGATE_LISTEN_PORT=0 " +
                    shell_quote(fieldgate_binary()) +
                    " serve --config gateway.json > gateway.log 2>&1 & echo $!");
    const int pid = std::stoi(started.output);
    const std::regex listening(R"(http: listening on 127\.0\.0\.1:([0-9]+))");
    std::smatch port;
    std::string log;
    for (int i = 0; i < 300; ++i) {
        log = file_text(dir.file("gateway.log"));
        if (std::regex_search(log, port, listening)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_FALSE(port.empty()) << log;
    http::HttpClient client("127.0.0.1", static_cast<std::uint16_t>(std::stoi(port[1])));
    EXPECT_EQ(client.get("/healthz").status, 200);
    // The four vendors the assignment rules and the README name were found and loaded.
    for (const auto* vendor : {"bay-hauling", "valley-disposal", "curbside-coop"})
        EXPECT_NE(log.find(vendor), std::string::npos) << vendor << " not loaded:\n" << log;
    EXPECT_TRUE(std::filesystem::exists(dir.file("fieldgate.db")))
        << "the store is not beside the config";
    run_command("kill " + std::to_string(pid));
    for (int i = 0; i < 200 && run_command("kill -0 " + std::to_string(pid)).exit_code == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace fieldgate::test
