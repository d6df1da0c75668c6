// The simulated vendor's own records: one pickup result per work order it was told about,
// listed by modification time in pages. Transport-free.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "time_util.h"

namespace fieldgate::poll_sim {

struct Pickup {
    std::int64_t seq = 0;
    std::string pickup_id;    // RB-000001
    std::string city_ticket;  // the CRM case id
    std::string result;       // done | partial | missed | cancelled
    std::optional<int> missed_code;
    std::string comment;
    std::int64_t finished_at = 0;  // unix seconds
    SysMillis modified;
    std::string vehicle;
};

struct PageQuery {
    SysMillis since;
    std::optional<SysMillis> before;
    std::size_t offset = 0;
    std::size_t page_size = 50;
};

struct Page {
    std::vector<Pickup> pickups;
    std::optional<std::size_t> next_offset;  // more in this window
};

class PickupBook {
  public:
    // One pickup per case; `backdate_s` puts its modification time in the past (a vendor that
    // writes late). Returns the pickups added.
    std::vector<Pickup> add(const std::vector<std::string>& cases, const std::string& result,
                            std::optional<int> missed_code, int backdate_s, SysMillis now);
    // Everything modified in [since, before), oldest first (ties by seq), one page of it.
    Page page(const PageQuery& q) const;
    // The change feed: pickups after sequence number `after`, in order, at most `limit`.
    std::vector<Pickup> after(std::int64_t after, std::size_t limit) const;
    std::size_t size() const;

  private:
    mutable std::mutex mutex_;
    std::vector<Pickup> pickups_;
};

nlohmann::json to_json(const Pickup& p);

}  // namespace fieldgate::poll_sim
