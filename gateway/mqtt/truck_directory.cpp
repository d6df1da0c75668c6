#include "truck_directory.h"

#include <spdlog/spdlog.h>

#include "transaction.h"

namespace fieldgate::mqtt {

namespace {

TruckInfo info_of(const store::TruckRow& r) {
    return TruckInfo{r.truck_id, r.vendor, r.route_id.value_or(""), r.route_date.value_or("")};
}

}  // namespace

TruckDirectory::TruckDirectory(store::ReadPool& reads, std::chrono::milliseconds refresh)
    : reads_(reads), refresh_(refresh) {}

TruckDirectory::~TruckDirectory() {
    stop();
}

void TruckDirectory::load() {
    // A route changed here after this moment, or whose write has not committed, is newer than
    // what the store answers now.
    const auto started = std::chrono::steady_clock::now();
    std::vector<store::TruckRow> rows;
    {
        auto db = reads_.acquire();
        rows = db->list_trucks(std::nullopt);
    }
    std::lock_guard lock(state_->mutex);
    for (const auto& r : rows) {
        auto& e = state_->trucks[r.truck_id];
        e.settled = true;
        if (e.writing > 0 || e.changed >= started) {
            e.info.truck_id = r.truck_id;
            e.info.vendor = r.vendor;
            continue;
        }
        e.info = info_of(r);
    }
}

void TruckDirectory::start() {
    if (refresh_.count() <= 0 || thread_.joinable()) return;
    thread_ = std::thread([this] { loop(); });
}

void TruckDirectory::stop() {
    {
        std::lock_guard lock(thread_mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void TruckDirectory::loop() {
    std::unique_lock lock(thread_mutex_);
    bool failing = false;
    while (!wake_.wait_for(lock, refresh_, [this] { return stopping_; })) {
        lock.unlock();
        try {
            load();
            if (failing) spdlog::info("trucks: reloading from the store again");
            failing = false;
        } catch (const std::exception& e) {
            // Memory keeps serving what it has; the next round tries again.
            if (!failing) spdlog::warn("trucks: cannot reload from the store: {}", e.what());
            failing = true;
        }
        lock.lock();
    }
}

std::optional<TruckInfo> TruckDirectory::find(const std::string& truck_id) const {
    std::lock_guard lock(state_->mutex);
    const auto it = state_->trucks.find(truck_id);
    if (it == state_->trucks.end() || it->second.info.vendor.empty()) return std::nullopt;
    return it->second.info;
}

std::optional<std::string> TruckDirectory::vendor_of(const std::string& truck_id) const {
    std::lock_guard lock(state_->mutex);
    const auto it = state_->trucks.find(truck_id);
    if (it == state_->trucks.end() || !it->second.settled) return std::nullopt;
    return it->second.info.vendor;
}

std::optional<std::string> TruckDirectory::lookup(const std::string& truck_id) {
    if (auto known = vendor_of(truck_id)) return known;
    std::optional<store::TruckRow> row;
    {
        auto db = reads_.acquire();
        row = db->find_truck(truck_id);
    }
    if (!row) return std::nullopt;
    learn(*row);
    return row->vendor;
}

bool TruckDirectory::claiming(const std::string& truck_id, const std::string& vendor) {
    std::lock_guard lock(state_->mutex);
    auto& e = state_->trucks[truck_id];
    if (e.settled || e.claiming) return false;
    e.claiming = true;
    if (e.info.vendor.empty()) {
        e.info.truck_id = truck_id;
        e.info.vendor = vendor;
    }
    return true;
}

void TruckDirectory::learn_into(State& state, const store::TruckRow& row) {
    std::lock_guard lock(state.mutex);
    auto& e = state.trucks[row.truck_id];
    e.settled = true;
    e.claiming = false;
    if (e.writing > 0) {  // a route received here is on its way to the store
        e.info.truck_id = row.truck_id;
        e.info.vendor = row.vendor;
        return;
    }
    e.info = info_of(row);
}

void TruckDirectory::learn(const store::TruckRow& row) {
    learn_into(*state_, row);
}

TruckDirectory::Learn TruckDirectory::learner() const {
    return [state = state_](const std::string& truck_id, const store::TruckRow* row) {
        if (row) {
            learn_into(*state, *row);
            return;
        }
        std::lock_guard lock(state->mutex);
        if (const auto it = state->trucks.find(truck_id); it != state->trucks.end())
            it->second.claiming = false;
    };
}

std::function<void()> TruckDirectory::assign(const std::string& truck_id,
                                             const std::string& route_id,
                                             const std::string& route_date) {
    {
        std::lock_guard lock(state_->mutex);
        auto& e = state_->trucks[truck_id];
        e.info.truck_id = truck_id;
        e.info.route_id = route_id;
        e.info.route_date = route_date;
        ++e.writing;
        e.changed = std::chrono::steady_clock::now();
    }
    return [state = state_, truck_id] {
        std::lock_guard lock(state->mutex);
        auto& e = state->trucks[truck_id];
        if (e.writing > 0) --e.writing;
        e.changed = std::chrono::steady_clock::now();
    };
}

std::vector<TruckInfo> TruckDirectory::assigned() const {
    std::lock_guard lock(state_->mutex);
    std::vector<TruckInfo> out;
    for (const auto& [id, e] : state_->trucks)
        if (!e.info.route_id.empty() && !e.info.vendor.empty()) out.push_back(e.info);
    return out;
}

}  // namespace fieldgate::mqtt
