#include "store_command.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <optional>

#include "store_copy.h"

namespace fieldgate {

namespace {

std::optional<std::string> read_password(const StoreCopyArgs& args, std::ostream& err) {
    if (args.password_file.empty()) {
        const char* env = std::getenv("FIELDGATE_STORE_PASSWORD");
        return env ? env : "";
    }
    std::ifstream in(args.password_file);
    std::string password;
    if (!in || !std::getline(in, password)) {
        err << "store copy: cannot read the password file " << args.password_file << "\n";
        return std::nullopt;
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    return password;
}

void print_report(const store::CopyReport& report, std::ostream& out) {
    for (const auto& t : report.tables)
        out << std::left << std::setw(24) << t.table << std::right << std::setw(12) << t.rows
            << "\n";
    out << std::left << std::setw(24) << "total" << std::right << std::setw(12) << report.total
        << "\n";
}

}  // namespace

int store_copy(const StoreCopyArgs& args, std::ostream& out, std::ostream& err) {
    if (!std::filesystem::is_regular_file(args.from)) {
        err << "store copy: no SQLite store at " << args.from
            << ": give the gateway's store file (store.path in gateway.json)\n";
        return 1;
    }
    const auto password = read_password(args, err);
    if (!password) return 1;
    try {
        print_report(store::copy_store(args.from, args.to, *password), out);
        return 0;
    } catch (const store::CopyRefused& e) {
        err << "store copy: refused: " << e.what() << "\n";
    } catch (const store::CopyFailed& e) {
        err << "store copy: " << e.what() << "\n";
        if (e.side() == store::CopyFailed::Side::target_unreachable)
            err << "Check --to, the password (--password-file or FIELDGATE_STORE_PASSWORD) and "
                   "that the server is reachable.\n";
        else
            err << "No row was copied.\n";
    } catch (const std::exception& e) {
        err << "store copy: " << e.what() << "\nNo row was copied.\n";
    }
    return 1;
}

}  // namespace fieldgate
