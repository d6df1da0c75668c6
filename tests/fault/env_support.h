// What the environment scenarios of the fault suite (env_*.cpp) share: the account of vendor
// results against the gateway's store and the CRM simulator, the store's integrity check, and
// a small tmpfs for the disk-full scenario.
#pragma once

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "fault/fault_report.h"
#include "load_engine.h"
#include "sqlite.h"
#include "support/temp_dir.h"

namespace fieldgate::test {

// The tags (vendor references) of the requests the load engine saw answered 2xx.
inline void add_acknowledged(const bench::LoadResult& load, std::set<std::string>& into) {
    for (const auto& r : load.records)
        if (r.status >= 200 && r.status < 300) into.insert(r.tag);
}

// Outcome rows per vendor reference in the gateway's store (read-only, beside a running
// gateway), for one vendor and the references matching `ref_like` (SQL LIKE).
inline std::map<std::string, int> stored_outcomes(const std::string& db_path,
                                                  const std::string& vendor,
                                                  const std::string& ref_like) {
    sqlite::OpenOptions options;
    options.read_only = true;
    sqlite::Connection db(db_path, options);
    auto q = db.prepare(
        "SELECT vendor_ref, COUNT(*) FROM outcomes WHERE vendor = ? AND vendor_ref LIKE ? "
        "GROUP BY vendor_ref");
    q->bind(1, vendor).bind(2, ref_like);
    std::map<std::string, int> out;
    while (q->step()) out[q->text(0)] = static_cast<int>(q->integer(1));
    return out;
}

// Per vendor reference: the distinct webhook-ids of the CRM events that carried its outcome
// (the CRM simulator's /_events, CloudEvents profile). A redelivery of the same webhook-id is
// stored once by the CRM; two webhook-ids for one outcome would be a duplicate.
inline std::map<std::string, std::set<std::string>> delivered_outcomes(
    const nlohmann::json& events) {
    std::map<std::string, std::set<std::string>> out;
    for (const auto& e : events) {
        const auto& outcome = e["body"]["data"]["outcome"];
        if (!outcome.is_object() || !outcome["vendor_ref"].is_string()) continue;
        out[outcome["vendor_ref"].get<std::string>()].insert(e["webhook_id"].get<std::string>());
    }
    return out;
}

// The account of what the sources were told was taken against what the store holds and, when
// given, what the CRM received. An acknowledged result is lost when it is not stored, or (with
// `delivered`) when its outcome never reached the CRM; it is duplicated when stored twice or
// delivered under two webhook-ids. A reference stored twice without having been acknowledged
// counts as duplicated too.
inline FaultAccount account_of(
    const std::string& scenario, std::uint64_t cycles, const std::set<std::string>& acknowledged,
    const std::map<std::string, int>& stored,
    const std::optional<std::map<std::string, std::set<std::string>>>& delivered) {
    FaultAccount a;
    a.scenario = scenario;
    a.cycles = cycles;
    a.acknowledged = acknowledged.size();
    for (const auto& ref : acknowledged) {
        const auto s = stored.find(ref);
        const int rows = s == stored.end() ? 0 : s->second;
        std::size_t sent = 0;
        if (delivered) {
            const auto d = delivered->find(ref);
            sent = d == delivered->end() ? 0 : d->second.size();
        }
        if (rows > 0) ++a.stored;
        if (sent > 0) ++a.delivered;
        if (rows == 0 || (delivered && sent == 0)) ++a.lost;
        if (rows > 1 || sent > 1) ++a.duplicated;
    }
    for (const auto& [ref, rows] : stored)
        if (rows > 1 && !acknowledged.count(ref)) ++a.duplicated;
    return a;
}

// PRAGMA integrity_check on a store file no process is writing: "ok" when sound.
inline std::string integrity_check(const std::string& db_path) {
    sqlite::OpenOptions options;
    options.read_only = true;
    sqlite::Connection db(db_path, options);
    auto q = db.prepare("PRAGMA integrity_check");
    std::string out;
    while (q->step()) out += (out.empty() ? "" : "\n") + q->text(0);
    return out;
}

// A tmpfs of a given size mounted on a fresh temporary folder (needs root, or CAP_SYS_ADMIN);
// unmounted when it goes. `error()` says why it could not be mounted.
class Tmpfs {
  public:
    explicit Tmpfs(int size_mib) {
        if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, size_option(size_mib).c_str()) != 0)
            error_ = std::string("mount -t tmpfs: ") + std::strerror(errno);
        else
            mounted_ = true;
    }
    ~Tmpfs() {
        if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
    }
    Tmpfs(const Tmpfs&) = delete;
    Tmpfs& operator=(const Tmpfs&) = delete;

    bool mounted() const { return mounted_; }
    const std::string& error() const { return error_; }
    std::string file(const std::string& name) const { return dir_.file(name); }
    // mount -o remount,size=N: space returns (or goes) without touching the files.
    bool resize(int size_mib) {
        return ::mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_REMOUNT,
                       size_option(size_mib).c_str()) == 0;
    }

  private:
    static std::string size_option(int size_mib) {
        return "size=" + std::to_string(size_mib) + "m";
    }
    TempDir dir_;
    bool mounted_ = false;
    std::string error_;
};

}  // namespace fieldgate::test
