#include "fault_timeline.h"

#include <iostream>

namespace fieldgate::crm_sim {

namespace {

// How long to wait before binding the events port again when it was taken meanwhile.
constexpr std::chrono::milliseconds kRebindRetry{200};

}  // namespace

FaultTimeline::FaultTimeline(Receiver& receiver, std::vector<Phase> schedule)
    : receiver_(receiver), schedule_(std::move(schedule)) {
    if (!schedule_.empty()) current_ = schedule_.front().fault;
}

FaultTimeline::~FaultTimeline() {
    stop();
}

void FaultTimeline::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void FaultTimeline::start(RestartableServer& events_server) {
    std::lock_guard lock(mutex_);
    server_ = &events_server;
    if (!schedule_.empty()) phase_end_ = Clock::now() + schedule_.front().duration;
    thread_ = std::thread([this] { run(); });
}

void FaultTimeline::command(FaultMode fault, std::optional<std::chrono::milliseconds> for_duration,
                            std::function<void()> applied) {
    {
        std::lock_guard lock(mutex_);
        pending_.push_back(Pending{fault, for_duration, std::move(applied)});
    }
    cv_.notify_all();
}

void FaultTimeline::reset(std::function<void()> applied) {
    command(FaultMode{}, std::nullopt, std::move(applied));
}

FaultMode FaultTimeline::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

nlohmann::ordered_json FaultTimeline::status() const {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    nlohmann::ordered_json j;
    j["mode"] = mode_name(current_.mode);
    j["listening"] = listening_;
    j["schedule"] = {{"phase", phase_ < schedule_.size() ? nlohmann::ordered_json(phase_ + 1)
                                                         : nlohmann::ordered_json(nullptr)},
                     {"phases", schedule_.size()}};
    std::optional<Clock::time_point> until_ok;
    if (back_to_ok_) until_ok = back_to_ok_;
    if (phase_ < schedule_.size()) {
        until_ok = phase_end_;
        for (auto i = phase_ + 1; i < schedule_.size(); ++i) *until_ok += schedule_[i].duration;
    }
    j["until_ok_ms"] =
        until_ok
            ? nlohmann::ordered_json(std::max<long long>(
                  0,
                  std::chrono::duration_cast<std::chrono::milliseconds>(*until_ok - now).count()))
            : nlohmann::ordered_json(nullptr);
    return j;
}

std::optional<FaultTimeline::Clock::time_point> FaultTimeline::next_deadline() const {
    std::optional<Clock::time_point> next;
    const auto consider = [&next](Clock::time_point t) {
        if (!next || t < *next) next = t;
    };
    if (phase_ < schedule_.size()) consider(phase_end_);
    if (back_to_ok_) consider(*back_to_ok_);
    if (retry_start_) consider(*retry_start_);
    return next;
}

void FaultTimeline::run() {
    std::unique_lock lock(mutex_);
    auto apply_unlocked = [&](FaultMode fault, std::function<void()> applied) {
        lock.unlock();
        apply(fault);
        if (applied) applied();
        lock.lock();
    };
    apply_unlocked(current_, nullptr);
    for (;;) {
        if (stopping_) return;
        if (!pending_.empty()) {
            auto p = std::move(pending_.front());
            pending_.pop_front();
            phase_ = schedule_.size();
            back_to_ok_.reset();
            if (p.for_duration && p.fault.mode != Mode::kOk)
                back_to_ok_ = Clock::now() + *p.for_duration;
            current_ = p.fault;
            apply_unlocked(p.fault, std::move(p.applied));
            continue;
        }
        const auto deadline = next_deadline();
        const auto now = Clock::now();
        if (!deadline) {
            cv_.wait(lock);
            continue;
        }
        if (now < *deadline) {
            cv_.wait_until(lock, *deadline);
            continue;
        }
        if (retry_start_ && now >= *retry_start_) retry_start_.reset();
        if (back_to_ok_ && now >= *back_to_ok_) {
            back_to_ok_.reset();
            current_ = FaultMode{};
        }
        if (phase_ < schedule_.size() && now >= phase_end_) {
            ++phase_;
            if (phase_ < schedule_.size()) {
                phase_end_ += schedule_[phase_].duration;
                current_ = schedule_[phase_].fault;
            } else {
                current_ = FaultMode{};
            }
        }
        apply_unlocked(current_, nullptr);
    }
}

void FaultTimeline::apply(const FaultMode& fault) {
    receiver_.set_mode(fault);
    bool listening = true;
    bool retry = false;
    if (fault.mode == Mode::kDown) {
        server_->stop();
        listening = false;
    } else if (!server_->is_up()) {
        try {
            server_->start();
        } catch (const std::exception& e) {
            std::cerr << "fieldgate-crm-sim: cannot listen again: " << e.what() << "; retrying\n";
            listening = false;
            retry = true;
        }
    }
    std::lock_guard lock(mutex_);
    listening_ = listening;
    if (retry) retry_start_ = Clock::now() + kRebindRetry;
}

}  // namespace fieldgate::crm_sim
