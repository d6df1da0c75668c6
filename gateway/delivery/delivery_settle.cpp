// What an attempt means for its event and its endpoint, recorded before the order's next event.
#include <spdlog/spdlog.h>

#include "delivery_runtime.h"
#include "gateway_metrics.h"

namespace fieldgate::delivery {

using namespace detail;

// Decides what the attempt means for the event and the endpoint, records it durably, and only
// then lets the work order's next event go.
void DeliveryWorker::settle(Job job, Attempt attempt) {
    if (attempt.store_failed) {
        // Not the event's fault nor the endpoint's: it stays as it is (its lease, if any, runs
        // out) and goes again once the store answers.
        {
            std::lock_guard lock(mutex_);
            pause_for_store(attempt.error);
        }
        finish(job);
        return;
    }
    const std::string now = now_utc();
    Settlement s;
    {
        std::lock_guard lock(mutex_);
        auto& rt = *endpoints_[job.endpoint];
        const auto result = attempt.render_failed || attempt.status < 0 ? AttemptResult::rejected
                                                                        : classify(attempt.status);
        switch (result) {
            case AttemptResult::delivered:
                s = settle_delivered(rt, job, attempt.status, now);
                break;
            case AttemptResult::rejected:
                s = settle_rejected(rt, job, attempt, now);
                break;
            case AttemptResult::gone:
                s = settle_gone(rt, job, attempt, now);
                break;
            case AttemptResult::retry:
                s = settle_retry(rt, job, attempt, now);
                break;
        }
    }
    const std::string destination = endpoints_[job.endpoint]->endpoint.name;
    submit_write(
        [write = std::move(s.write), release = s.release, destination,
         earlier = std::move(s.earlier)](store::Transaction& db) {
            write(db);
            if (!earlier.empty()) db.defer_to_endpoint(earlier);
            if (release) db.release_endpoint_deferrals(destination);
        },
        [this, job = std::move(job)] { finish(job); });
}

DeliveryWorker::Settlement DeliveryWorker::settle_delivered(Runtime& rt, const Job& job, int status,
                                                            const std::string& now) {
    ++rt.delivered;
    Settlement s;
    s.release = rt.probing || rt.consecutive_failures > 0;
    rt.consecutive_failures = 0;
    rt.certificate_problem.clear();
    rt.failing_run.clear();
    rt.probing = rt.open = false;
    rt.opens = 0;
    if (const auto created = parse_rfc3339(job.row.event.created_at)) {
        const double lag =
            std::chrono::duration<double, std::milli>(now_millis() - *created).count();
        metrics::observe_delivery_lag(rt.endpoint.name, lag / 1000.0);
        if (rt.lags_ms.size() < kLagWindow)
            rt.lags_ms.push_back(lag);
        else
            rt.lags_ms[rt.lag_next++ % kLagWindow] = lag;
    }
    s.write = [id = job.row.event.id, status, now](store::Transaction& db) {
        db.mark_delivered(id, status, now);
    };
    return s;
}

DeliveryWorker::Settlement DeliveryWorker::settle_rejected(Runtime& rt, const Job& job,
                                                           const Attempt& attempt,
                                                           const std::string& now) {
    const auto id = job.row.event.id;
    ++rt.dead_lettered;
    rt.last_error = attempt.error;
    if (attempt.status == 413)  // a replay meets the same limit: someone has to look
        spdlog::error(
            "ALERT delivery: event {} of work order {} to {} is too large and is "
            "dead-lettered ({}); a replay meets the same limit (the crm's are "
            "listed in vendor health, crm_delivery.too_large)",
            id, job.row.event.work_order_id, rt.endpoint.name, attempt.error);
    else
        spdlog::warn("delivery: event {} to {} dead-lettered: {}", id, rt.endpoint.name,
                     attempt.error);
    Settlement s;
    s.write = [id, status = attempt.status, now, error = attempt.error](store::Transaction& db) {
        db.mark_dead(id, status, error, now);
    };
    return s;
}

DeliveryWorker::Settlement DeliveryWorker::settle_gone(Runtime& rt, const Job& job,
                                                       const Attempt& attempt,
                                                       const std::string& now) {
    rt.disabled = true;
    rt.disabled_reason = "410 Gone at " + now;
    rt.last_error = attempt.error;
    spdlog::error(
        "ALERT delivery: endpoint {} answered 410 Gone and is disabled; events wait "
        "until staff enable it (POST /v1/admin/endpoints/{}/enable)",
        rt.endpoint.name, rt.endpoint.name);
    Settlement s;
    s.write = [id = job.row.event.id, status = attempt.status, error = attempt.error,
               name = rt.endpoint.name, reason = *rt.disabled_reason, now](store::Transaction& db) {
        db.note_attempt(id, status, error);
        db.set_endpoint_state(name, "disabled", reason, now);
    };
    return s;
}

DeliveryWorker::Settlement DeliveryWorker::settle_retry(Runtime& rt, const Job& job,
                                                        const Attempt& attempt,
                                                        const std::string& now) {
    const auto id = job.row.event.id;
    const int status = attempt.status;
    ++rt.failed_attempts;
    ++rt.consecutive_failures;
    rt.last_error = attempt.error;
    note_certificate(rt, attempt);
    const bool wide = endpoint_wide(status) || rt.consecutive_failures >= 3 || rt.probing ||
                      !attempt.certificate_problem.empty();
    if (wide) {
        ++rt.opens;
        auto pause = pause_for(rt.opens, options_.max_pause);
        if (attempt.retry_after && *attempt.retry_after > pause) pause = *attempt.retry_after;
        rt.open = true;
        rt.probing = false;
        rt.paused_until = Clock::now() + pause;
        if (rt.opens == 1)
            spdlog::warn("delivery: endpoint {} unwell ({}); pausing, probing every {} s at most",
                         rt.endpoint.name, attempt.error, options_.max_pause.count());
    }
    // An event's own failure waits the step of its own failures: the attempts an outage took
    // from it say nothing about the event, and counting them would park it for minutes or hours
    // behind an endpoint that is well again.
    const int failures = wide ? job.row.attempts + 1 : job.row.event_failures + 1;
    const auto delay = options_.schedule.next_delay(failures, attempt.retry_after);
    Settlement s;
    if (wide)
        s.earlier.swap(rt.failing_run);
    else if (delay)
        rt.failing_run.push_back(id);
    if (!delay) {
        ++rt.dead_lettered;
        s.write = [id, status, now, error = "retries exhausted; last: " + attempt.error](
                      store::Transaction& db) { db.mark_dead(id, status, error, now); };
    } else {
        s.write = [id, status, error = attempt.error, next = utc_after(*delay),
                   by = std::string(wide ? "endpoint" : "event")](store::Transaction& db) {
            db.mark_retry(id, status, error, next, by);
        };
    }
    return s;
}

}  // namespace fieldgate::delivery
