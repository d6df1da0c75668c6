// Which fault mode is in force, and when it changes: the --schedule phases, a /_control
// command (optionally for_s, then back to ok), /_reset. One thread applies every change, so
// `down` can stop the events server from outside that server's own I/O thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "fault_mode.h"
#include "receiver.h"
#include "restartable_server.h"
#include "schedule.h"

namespace fieldgate::crm_sim {

class FaultTimeline {
  public:
    using Clock = std::chrono::steady_clock;

    FaultTimeline(Receiver& receiver, std::vector<Phase> schedule);
    ~FaultTimeline();
    FaultTimeline(const FaultTimeline&) = delete;
    FaultTimeline& operator=(const FaultTimeline&) = delete;

    // Starts the schedule now, on a thread of its own. `events_server` is stopped for `down`
    // and started again after it; it must outlive the timeline.
    void start(RestartableServer& events_server);
    // Ends the thread; no change is applied after it returns. The destructor calls it.
    void stop();

    // Replaces the schedule with `fault` (for `for_duration`, then ok). `applied` runs on the
    // timeline thread once the receiver and the listener are in the new state.
    void command(FaultMode fault, std::optional<std::chrono::milliseconds> for_duration,
                 std::function<void()> applied);
    // Back to ok, schedule dropped.
    void reset(std::function<void()> applied);

    FaultMode current() const;
    // {"mode", "listening", "schedule": {"phase": n|null, "phases": n}, "until_ok_ms": n|null}
    nlohmann::ordered_json status() const;

  private:
    struct Pending {
        FaultMode fault;
        std::optional<std::chrono::milliseconds> for_duration;
        std::function<void()> applied;
    };

    void run();
    void apply(const FaultMode& fault);  // without the lock
    std::optional<Clock::time_point> next_deadline() const;

    Receiver& receiver_;
    RestartableServer* server_ = nullptr;
    std::vector<Phase> schedule_;

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Pending> pending_;
    std::size_t phase_ = 0;  // index into schedule_; == size() when it is over
    Clock::time_point phase_end_;
    std::optional<Clock::time_point> back_to_ok_;   // a command's for_s
    std::optional<Clock::time_point> retry_start_;  // the listener could not be bound
    FaultMode current_;
    bool listening_ = true;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace fieldgate::crm_sim
