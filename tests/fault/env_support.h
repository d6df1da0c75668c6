// What the environment scenarios of the fault suite (env_*.cpp) add to the fault rig: the
// account of a set of acknowledged vendor references, the store's integrity check, and a small
// tmpfs for the disk-full scenario.
#pragma once

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <string>

#include "fault/fault_rig.h"
#include "sqlite.h"
#include "support/temp_dir.h"

namespace fieldgate::test {

// Every acknowledged reference against what the store holds (`stored`, the rig's stored_items)
// and what the CRM simulator received (`crm`); a reference stored twice that no one was told
// was taken counts as duplicated too.
inline void account_all(FaultAccount& account, const std::set<std::string>& acknowledged,
                        const std::map<std::string, StoredItem>& stored,
                        const std::set<std::string>& crm) {
    for (const auto& ref : acknowledged) {
        const auto it = stored.find(ref);
        account_for(account, it == stored.end() ? nullptr : &it->second, &crm);
    }
    for (const auto& [ref, item] : stored)
        if (item.outcomes > 1 && !acknowledged.count(ref)) ++account.duplicated;
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
