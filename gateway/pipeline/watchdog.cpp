#include "watchdog.h"

#include <date/date.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "lifecycle.h"
#include "schedule.h"
#include "transaction.h"

namespace fieldgate {

Watchdog::Watchdog(WatchdogOptions options, store::Writer& writer, store::ReadPool& reads,
                   std::function<void()> on_flagged)
    : options_(std::move(options)),
      writer_(writer),
      reads_(reads),
      on_flagged_(std::move(on_flagged)) {}

Watchdog::~Watchdog() {
    stop();
}

void Watchdog::start() {
    thread_ = std::thread([this] { loop(); });
}

void Watchdog::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Watchdog::loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        try {
            if (!options_.leads || options_.leads()) sweep(now_millis());
        } catch (const std::exception& e) {
            spdlog::warn("watchdog: sweep failed: {}", e.what());
        }
        lock.lock();
        wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
    }
}

namespace {

struct Candidate {
    std::string id;
    SysMillis deadline;
};

}  // namespace

int Watchdog::sweep(SysMillis now) {
    const auto today = date::year_month_day(std::chrono::floor<date::days>(now));
    const auto first =
        date::year_month_day(date::sys_days(today) - date::days(options_.lookback_days));
    std::vector<Candidate> due;
    {
        // One day ahead: a window in a zone east of UTC may end before UTC's date changes.
        auto reads = reads_.acquire();
        for (const auto& wo : reads->unflagged_field_orders(
                 date::format("%F", first),
                 date::format("%F", date::sys_days(today) + date::days(1)))) {
            const auto window = service_window(wo.scheduled_date, wo.window_start, wo.window_end,
                                               options_.city_zone);
            if (window && window->ended_by(now - options_.grace))
                due.push_back({wo.id, window->end});
        }
    }
    if (due.empty()) return 0;

    int flagged = 0;
    const auto events = options_.events;
    const std::string at = format_utc(now);
    writer_.run_sync([&](store::Transaction& db) {
        for (const auto& c : due) {
            // Checked again inside the transaction: an outcome may have arrived meanwhile.
            auto wo = db.find_work_order(c.id);
            if (!wo || is_terminal_status(wo->status) || wo->status == "received") continue;
            if (!db.flag_overdue(c.id, at)) continue;
            const std::string window_end = format_utc(c.deadline);
            db.append_history(
                wo->id, store::HistoryEntry{
                            at, wo->status, wo->status, "watchdog", std::nullopt,
                            "overdue: the window ended at " + window_end + " with no outcome"});
            auto event = status_event(events, *wo, wo->status, std::nullopt, at);
            event.event_type = events.type_prefix + ".overdue";
            event.extra_json = nlohmann::json{{"overdue", true},
                                              {"window_end", window_end},
                                              {"scheduled_date", wo->scheduled_date},
                                              {"vendor", wo->vendor ? *wo->vendor : ""}}
                                   .dump();
            db.enqueue_event(event);
            ++flagged;
        }
    });
    if (flagged > 0) {
        spdlog::info("watchdog: {} work order(s) overdue", flagged);
        if (on_flagged_) on_flagged_();
    }
    return flagged;
}

}  // namespace fieldgate
