// Where a pass's candidates come from: this gateway's own reading of the outbox when it
// delivers alone, leases when several gateways share the outbox (store/outbox_leases.h).
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <random>

#include "delivery_runtime.h"
#include "time_util.h"

namespace fieldgate::delivery {

using namespace detail;

std::string DeliveryWorker::make_lease_owner() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    std::random_device random;
    return std::string(host) + ":" + std::to_string(::getpid()) + ":" +
           std::to_string(random() % 1000000);
}

std::vector<store::PendingEvent> DeliveryWorker::next_rows(const std::string& endpoint,
                                                           int capacity) {
    if (!options_.leases) {
        auto db = reads_.acquire();
        return db->pending_events(endpoint, 0, options_.scan_limit);
    }
    return options_.leases->claim(endpoint, lease_owner_, now_utc(), options_.lease, capacity);
}

// Every third of a lease, the leases of what is in flight are extended: a send that takes long
// (up to the timeout) keeps its event, a gateway that died stops extending and loses it.
void DeliveryWorker::renew_leases() {
    if (!options_.leases) return;
    std::vector<std::int64_t> ids;
    {
        std::lock_guard lock(mutex_);
        if (Clock::now() - renewed_at_ < options_.lease / 3) return;
        renewed_at_ = Clock::now();
        ids.assign(leased_.begin(), leased_.end());
    }
    try {
        options_.leases->renew(ids, lease_owner_, options_.lease);
    } catch (const std::exception& e) {
        spdlog::warn("delivery: renewing {} leases failed: {}", ids.size(), e.what());
    }
}

void DeliveryWorker::release_leases(const std::vector<std::int64_t>& ids) {
    if (!options_.leases || ids.empty()) return;
    try {
        options_.leases->release(ids, lease_owner_);
    } catch (const std::exception& e) {
        // They run out by themselves.
        spdlog::warn("delivery: giving back {} leases failed: {}", ids.size(), e.what());
    }
}

}  // namespace fieldgate::delivery
