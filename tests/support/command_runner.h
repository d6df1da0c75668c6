// Runs a command line (the real fieldgate binary) and captures its output and exit code.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace fieldgate::test {

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};

inline CommandResult run_command(const std::string& command_line) {
    CommandResult r;
    FILE* pipe = ::popen((command_line + " 2>&1").c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run " + command_line);
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        r.output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

inline std::string fieldgate_binary() {
    return std::string(FIELDGATE_BINARY_DIR) + "/gateway/fieldgate";
}

inline std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// What `fieldgate <args>` printed (stdout and stderr); `args` as a shell would read them.
inline std::string run_cli(const std::string& args) {
    return run_command(shell_quote(fieldgate_binary()) + " " + args).output;
}

// `fieldgate vendor check <folder>`, with any further arguments.
inline CommandResult vendor_check(const std::filesystem::path& folder,
                                  const std::string& extra = "") {
    return run_command(fieldgate_binary() + " vendor check " + shell_quote(folder.string()) +
                       extra);
}

inline bool output_has(const std::string& output, const std::string& part) {
    return output.find(part) != std::string::npos;
}

}  // namespace fieldgate::test
