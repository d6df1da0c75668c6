// A PostgreSQL cluster of the test's own: initdb in a temporary folder, a server on a free
// loopback port, removed at the end. PostgreSQL refuses to run as root, so under root (CI) the
// server runs as the `postgres` user the Debian package creates. Password authentication
// (SCRAM) over TCP, as a city's database would ask for; fsync on unless the test says so.
#pragma once

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "support/command_runner.h"
#include "support/listen_port.h"
#include "support/temp_dir.h"

namespace fieldgate::test {

struct PgClusterOptions {
    bool fsync = true;  // off only where durability is not what the test is about
};

class PgCluster {
  public:
    explicit PgCluster(PgClusterOptions options = {}) : options_(options) {
        bin_ = find_bindir();
        password_ = random_password();
        std::filesystem::permissions(dir_.path(), std::filesystem::perms::owner_all |
                                                      std::filesystem::perms::group_exec |
                                                      std::filesystem::perms::others_exec);
        dir_.write("pwfile", password_ + "\n");
        if (::geteuid() == 0) {
            const passwd* pw = ::getpwnam("postgres");
            if (!pw)
                throw std::runtime_error(
                    "PgCluster: no postgres user (apt-get install postgresql)");
            as_user_ = "runuser -u postgres -- ";
            must("chown -R postgres " + shell_quote(dir_.path().string()));
        }
        must(as_user_ + shell_quote(bin_ + "/initdb") + " -D " + quoted("data") +
             " -U fieldgate --auth-local=trust --auth-host=scram-sha-256 --pwfile=" +
             quoted("pwfile") + " -E UTF8 --locale=C.UTF-8 --no-sync");
        start();
    }
    // The cluster a ctest fixture started for the whole run (tests/support/pg_test_cluster.sh
    // wrote `info`): this object creates databases on it and never stops it.
    static std::unique_ptr<PgCluster> attach(const std::string& info) {
        std::unique_ptr<PgCluster> c(new PgCluster(Attached{}));
        std::ifstream in(info);
        std::string dir;
        if (!(in >> dir >> c->port_ >> c->password_))
            throw std::runtime_error("PgCluster: cannot read " + info);
        c->bin_ = find_bindir();
        c->attached_ = true;
        return c;
    }
    ~PgCluster() {
        if (!attached_) stop();
    }
    PgCluster(const PgCluster&) = delete;
    PgCluster& operator=(const PgCluster&) = delete;

    int port() const { return port_; }
    const std::string& password() const { return password_; }
    // A libpq URL for `database` (without the password: that goes apart, as in the gateway).
    std::string url(const std::string& database = "postgres") const {
        return "postgresql://fieldgate@127.0.0.1:" + std::to_string(port_) + "/" + database;
    }
    // A fresh, empty database: each test gets its own.
    std::string create_database(const std::string& name) {
        must(shell_quote(bin_ + "/createdb") + " -h 127.0.0.1 -p " + std::to_string(port_) +
                 " -U fieldgate " + shell_quote(name),
             "PGPASSWORD=" + shell_quote(password_) + " ");
        return url(name);
    }

    void start() {
        if (running_) return;
        // A restart keeps its port, as a database server's address does.
        for (int attempt = 0; attempt < 5 && !running_; ++attempt) {
            if (port_ == 0 || attempt > 0) port_ = listen_port();
            const auto r = run_command(
                as_user_ + shell_quote(bin_ + "/pg_ctl") + " -D " + quoted("data") + " -l " +
                quoted("server.log") + " -w -t 30 -o " +
                shell_quote("-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                            " -c unix_socket_directories=" + dir_.path().string() + " -c fsync=" +
                            (options_.fsync ? "on" : "off") + " -c max_connections=200") +
                " start");
            running_ = r.exit_code == 0;
        }
        if (!running_) throw std::runtime_error("PgCluster: the server did not start: " + log());
    }
    // As a crash would leave it: no shutdown checkpoint.
    void stop(const std::string& mode = "immediate") {
        if (!running_) return;
        run_command(as_user_ + shell_quote(bin_ + "/pg_ctl") + " -D " + quoted("data") + " -m " +
                    mode + " -w stop");
        running_ = false;
    }
    std::string log() const {
        std::ifstream in(dir_.path() / "server.log");
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

  private:
    struct Attached {};
    explicit PgCluster(Attached) {}

    static std::string find_bindir() {
        if (const char* env = std::getenv("FIELDGATE_PG_BIN")) return env;
        std::string best;
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
            const auto bin = entry.path() / "bin";
            if (std::filesystem::exists(bin / "initdb") && bin.string() > best) best = bin.string();
        }
        if (best.empty())
            throw std::runtime_error(
                "PgCluster: no PostgreSQL server (apt-get install postgresql)");
        return best;
    }
    static std::string random_password() {
        std::random_device random;
        std::string out = "pw";
        for (int i = 0; i < 4; ++i) out += std::to_string(random());
        return out;
    }
    std::string quoted(const std::string& name) const { return shell_quote(dir_.file(name)); }
    static void must(const std::string& command, const std::string& env = "") {
        const auto r = run_command(env + command);
        if (r.exit_code != 0)
            throw std::runtime_error("PgCluster: " + command + " failed: " + r.output);
    }

    PgClusterOptions options_;
    TempDir dir_;
    std::string bin_;
    std::string as_user_;
    std::string password_;
    int port_ = 0;
    bool running_ = false;
    bool attached_ = false;
};

// For tests that only need databases: the run's shared cluster when ctest started one
// (FIELDGATE_TEST_PG_INFO), else one of this test program's own, started on first use.
inline PgCluster& run_pg_cluster() {
    static const std::unique_ptr<PgCluster> cluster = [] {
        const char* info = std::getenv("FIELDGATE_TEST_PG_INFO");
        if (info && std::filesystem::exists(info)) return PgCluster::attach(info);
        return std::make_unique<PgCluster>(PgClusterOptions{.fsync = false});
    }();
    return *cluster;
}

}  // namespace fieldgate::test
