#include "truck_directory.h"

#include "transaction.h"

namespace fieldgate::mqtt {

void TruckDirectory::load(store::ReadPool& reads) {
    auto db = reads.acquire();
    const auto rows = db->list_trucks(std::nullopt);
    std::lock_guard lock(mutex_);
    for (const auto& r : rows) {
        trucks_[r.truck_id] =
            TruckInfo{r.truck_id, r.vendor, r.route_id.value_or(""), r.route_date.value_or("")};
    }
}

std::optional<TruckInfo> TruckDirectory::find(const std::string& truck_id) const {
    std::lock_guard lock(mutex_);
    const auto it = trucks_.find(truck_id);
    if (it == trucks_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> TruckDirectory::vendor_of(const std::string& truck_id) const {
    std::lock_guard lock(mutex_);
    const auto it = trucks_.find(truck_id);
    if (it == trucks_.end()) return std::nullopt;
    return it->second.vendor;
}

bool TruckDirectory::claim(const std::string& truck_id, const std::string& vendor) {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = trucks_.try_emplace(truck_id, TruckInfo{truck_id, vendor, "", ""});
    return inserted || it->second.vendor == vendor;
}

void TruckDirectory::assign(const std::string& truck_id, const std::string& route_id,
                            const std::string& route_date) {
    std::lock_guard lock(mutex_);
    auto& t = trucks_[truck_id];
    t.truck_id = truck_id;
    t.route_id = route_id;
    t.route_date = route_date;
}

std::vector<TruckInfo> TruckDirectory::assigned() const {
    std::lock_guard lock(mutex_);
    std::vector<TruckInfo> out;
    for (const auto& [id, t] : trucks_)
        if (!t.route_id.empty()) out.push_back(t);
    return out;
}

}  // namespace fieldgate::mqtt
