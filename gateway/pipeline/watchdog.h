// The watchdog: a dispatched work order whose scheduled window has ended with no outcome is
// flagged overdue (once), recorded in its history and announced to the CRM with an `overdue`
// event; reports count it against the vendor. When a window has ended is service_window()'s
// rule (schedule.h): a day without a window ends at the next midnight.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "events.h"
#include "read_pool.h"
#include "time_util.h"
#include "writer.h"

namespace fieldgate {

struct WatchdogOptions {
    std::chrono::seconds interval{60};
    std::chrono::seconds grace{0};  // after the window's end before an order counts as overdue
    int lookback_days = 14;         // scheduled dates older than this are not looked at again
    std::string city_zone = "America/Los_Angeles";
    EventContext events;
    // Whether this gateway sweeps now (it leads the watchdog role); null: always.
    std::function<bool()> leads = nullptr;
};

class Watchdog {
  public:
    Watchdog(WatchdogOptions options, store::Writer& writer, store::ReadPool& reads,
             std::function<void()> on_flagged);
    ~Watchdog();
    void start();
    void stop();
    // One sweep now; returns how many orders it flagged. Also what the thread runs.
    int sweep(SysMillis now);

  private:
    void loop();
    WatchdogOptions options_;
    store::Writer& writer_;
    store::ReadPool& reads_;
    std::function<void()> on_flagged_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace fieldgate
