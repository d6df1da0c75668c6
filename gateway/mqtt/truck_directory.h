// Which vendor each truck belongs to and which route it drives: loaded from the store at start,
// kept current as status, positions and route assignments arrive. A truck id belongs to the
// first vendor it was seen under; another vendor publishing the same id is refused.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "read_pool.h"

namespace fieldgate::mqtt {

struct TruckInfo {
    std::string truck_id;
    std::string vendor;
    std::string route_id;  // "" when not assigned
    std::string route_date;
};

class TruckDirectory {
  public:
    void load(store::ReadPool& reads);
    std::optional<TruckInfo> find(const std::string& truck_id) const;
    // The vendor a truck was first seen under; nullopt for a truck never seen.
    std::optional<std::string> vendor_of(const std::string& truck_id) const;
    // Records the truck under `vendor`; false when the id is another vendor's.
    bool claim(const std::string& truck_id, const std::string& vendor);
    void assign(const std::string& truck_id, const std::string& route_id,
                const std::string& route_date);
    std::vector<TruckInfo> assigned() const;

  private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, TruckInfo> trucks_;
};

}  // namespace fieldgate::mqtt
