#include "pickup_book.h"

#include <algorithm>
#include <cstdio>

namespace fieldgate::poll_sim {

std::vector<Pickup> PickupBook::add(const std::vector<std::string>& cases,
                                    const std::string& result, std::optional<int> missed_code,
                                    int backdate_s, SysMillis now) {
    std::lock_guard lock(mutex_);
    std::vector<Pickup> added;
    for (const auto& c : cases) {
        Pickup p;
        p.seq = static_cast<std::int64_t>(pickups_.size()) + 1;
        char id[32];
        std::snprintf(id, sizeof id, "RB-%06lld", static_cast<long long>(p.seq));
        p.pickup_id = id;
        p.city_ticket = c;
        p.result = result;
        p.missed_code = missed_code;
        if (result == "missed" && !missed_code) p.missed_code = 11;
        p.comment = result == "done" ? "" : "left a door tag";
        p.modified = now - std::chrono::seconds(backdate_s);
        p.finished_at =
            std::chrono::floor<std::chrono::seconds>(p.modified).time_since_epoch().count() - 60;
        p.vehicle = "RB-T" + std::to_string(1 + p.seq % 7);
        pickups_.push_back(p);
        added.push_back(std::move(p));
    }
    return added;
}

Page PickupBook::page(const PageQuery& q) const {
    std::vector<Pickup> in_window;
    {
        std::lock_guard lock(mutex_);
        for (const auto& p : pickups_) {
            if (p.modified >= q.since && (!q.before || p.modified < *q.before))
                in_window.push_back(p);
        }
    }
    std::sort(in_window.begin(), in_window.end(), [](const Pickup& a, const Pickup& b) {
        return a.modified != b.modified ? a.modified < b.modified : a.seq < b.seq;
    });
    Page out;
    const auto from = std::min(q.offset, in_window.size());
    const auto to = std::min(from + q.page_size, in_window.size());
    out.pickups.assign(in_window.begin() + static_cast<long>(from),
                       in_window.begin() + static_cast<long>(to));
    if (to < in_window.size()) out.next_offset = to;
    return out;
}

std::vector<Pickup> PickupBook::after(std::int64_t after, std::size_t limit) const {
    std::lock_guard lock(mutex_);
    std::vector<Pickup> out;
    for (const auto& p : pickups_) {  // seq order: pickups are only ever appended
        if (p.seq > after && out.size() < limit) out.push_back(p);
    }
    return out;
}

std::size_t PickupBook::size() const {
    std::lock_guard lock(mutex_);
    return pickups_.size();
}

nlohmann::json to_json(const Pickup& p) {
    nlohmann::json j = {{"pickup_id", p.pickup_id},
                        {"city_ticket", p.city_ticket},
                        {"result", p.result},
                        {"comment", p.comment},
                        {"finished_at", p.finished_at},
                        {"modified_at", format_utc(p.modified)},
                        {"vehicle", p.vehicle},
                        {"geo", {{"lat", 37.33452}, {"lon", -121.88861}}},
                        {"photo_urls", nlohmann::json::array()}};
    if (p.result != "done")
        j["photo_urls"].push_back("https://media.riverbend.example/" + p.pickup_id + ".jpg");
    j["missed_code"] = p.missed_code ? nlohmann::json(*p.missed_code) : nlohmann::json(nullptr);
    return j;
}

}  // namespace fieldgate::poll_sim
