#include "order_changes.h"

#include "dispatch_rows.h"
#include "input_limits.h"
#include "lifecycle.h"
#include "transaction.h"

#include "time_util.h"

namespace fieldgate {

namespace {

using Outcome = std::variant<ApiError, ChangedWorkOrder>;

ApiError not_found(const std::string& id) {
    return ApiError{404,
                    "not-found",
                    "Work order not found",
                    "no work order " + id,
                    "",
                    nlohmann::json::object()};
}

ApiError closed(const store::WorkOrder& wo, const std::string& what) {
    ApiError e{409,
               "work-order-closed",
               "Work order closed",
               "work order " + wo.id + " (" + wo.crm_case_id + ") is closed as " + wo.status +
                   "; it cannot be " + what,
               "",
               nlohmann::json::object()};
    e.extra["status"] = wo.status;
    return e;
}

// Parses a JSON body against its schema; an empty body counts as {} when `empty_ok`.
std::variant<ApiError, nlohmann::json> checked_body(const JsonSchema& schema,
                                                    const std::string& body, bool empty_ok) {
    nlohmann::json j = nlohmann::json::object();
    if (!(empty_ok && body.find_first_not_of(" \t\r\n") == std::string::npos)) {
        if (auto refused = json_body_problem(body)) return bad_request("malformed", *refused);
        try {
            j = nlohmann::json::parse(body);
        } catch (const nlohmann::json::exception& e) {
            return bad_request("malformed", std::string("the body is not valid JSON: ") + e.what());
        }
    }
    if (auto violations = schema.validate(j); !violations.empty())
        return unprocessable("invalid-field", violations.front().detail,
                             violations.front().pointer);
    return j;
}

const VendorSpec* spec_of(const std::shared_ptr<const VendorRegistry>& vendors,
                          const store::WorkOrder& wo) {
    if (!vendors || !wo.vendor) return nullptr;
    const auto* entry = vendors->find(*wo.vendor);
    return entry ? &entry->spec : nullptr;
}

nlohmann::json window_json(const std::optional<std::string>& start,
                           const std::optional<std::string>& end) {
    if (!start || !end) return nullptr;
    return {{"start", *start}, {"end", *end}};
}

std::string describe(const std::string& date, const std::optional<std::string>& start,
                     const std::optional<std::string>& end) {
    return date + (start && end ? " " + *start + "-" + *end : "");
}

}  // namespace

OrderChangeService::OrderChangeService(const GatewayConfig& config, store::Writer& writer,
                                       const WorkOrderService& work_orders,
                                       WorkOrderService::Vendors vendors)
    : writer_(writer),
      work_orders_(work_orders),
      vendors_(std::move(vendors)),
      cancel_schema_(JsonSchema::from_file(config.api_schemas_dir + "/cancel.schema.json")),
      reschedule_schema_(JsonSchema::from_file(config.api_schemas_dir + "/reschedule.schema.json")),
      events_{config.event_type_prefix, config.event_source} {}

std::variant<ApiError, std::optional<std::string>> OrderChangeService::parse_cancel(
    const std::string& body) const {
    auto j = checked_body(cancel_schema_, body, true);
    if (auto* error = std::get_if<ApiError>(&j)) return std::move(*error);
    const auto& doc = std::get<nlohmann::json>(j);
    if (!doc.contains("reason")) return std::optional<std::string>();
    return std::optional<std::string>(doc["reason"].get<std::string>());
}

std::variant<ApiError, Schedule> OrderChangeService::parse_reschedule(
    const std::string& body) const {
    auto j = checked_body(reschedule_schema_, body, false);
    if (auto* error = std::get_if<ApiError>(&j)) return std::move(*error);
    return parse_schedule(std::get<nlohmann::json>(j));
}

void OrderChangeService::submit(store::Writer::Job job, std::shared_ptr<Outcome> outcome,
                                Done done) {
    const bool queued = writer_.submit(std::move(job), [outcome, done](std::exception_ptr error) {
        if (error) {
            done(store_unavailable(error));
            return;
        }
        done(std::move(*outcome));
    });
    if (!queued) {
        done(ApiError{503, "overloaded", "Gateway overloaded",
                      "the write queue is full; retry later", "", nlohmann::json::object()});
    }
}

void OrderChangeService::cancel(const std::string& id, const std::string& body, Done done) {
    auto parsed = parse_cancel(body);
    if (auto* error = std::get_if<ApiError>(&parsed)) {
        done(std::move(*error));
        return;
    }
    const auto reason = std::get<std::optional<std::string>>(parsed);
    auto outcome = std::make_shared<Outcome>();
    auto job = [this, id, reason, outcome, vendors = vendors_()](store::Transaction& db) {
        auto wo = db.find_work_order(id);
        if (!wo) {
            *outcome = not_found(id);
            return;
        }
        if (wo->status == "cancelled") {  // asked again: the order as it is, nothing written
            *outcome = ChangedWorkOrder{false, work_orders_.to_json(db, *wo)};
            return;
        }
        if (is_terminal_status(wo->status)) {
            *outcome = closed(*wo, "cancelled");
            return;
        }
        const std::string now = now_utc();
        const std::string from = wo->status;
        db.update_work_order_status(wo->id, "cancelled", std::nullopt, now);
        db.append_history(
            wo->id, store::HistoryEntry{now, from, "cancelled", "crm", std::nullopt,
                                        "cancelled by the CRM" + (reason ? ": " + *reason : "")});
        wo->status = "cancelled";
        wo->updated_at = now;
        auto event = status_event(events_, *wo, "cancelled", std::nullopt, now);
        if (reason) event.extra_json = nlohmann::json{{"reason", *reason}}.dump();
        db.enqueue_event(event);
        record_dispatch(db, *wo, spec_of(vendors, *wo), DispatchChange::cancelled, now);
        *outcome = ChangedWorkOrder{true, work_orders_.to_json(db, *wo)};
    };
    submit(std::move(job), outcome, std::move(done));
}

void OrderChangeService::reschedule(const std::string& id, const std::string& body, Done done) {
    auto parsed = parse_reschedule(body);
    if (auto* error = std::get_if<ApiError>(&parsed)) {
        done(std::move(*error));
        return;
    }
    const auto next = std::get<Schedule>(std::move(parsed));
    auto outcome = std::make_shared<Outcome>();
    auto job = [this, id, next, outcome, vendors = vendors_()](store::Transaction& db) {
        auto wo = db.find_work_order(id);
        if (!wo) {
            *outcome = not_found(id);
            return;
        }
        if (wo->status == "cancelled") {
            ApiError e = closed(*wo, "rescheduled");
            e.type = "work-order-cancelled";
            e.title = "Work order cancelled";
            *outcome = std::move(e);
            return;
        }
        if (is_terminal_status(wo->status)) {
            *outcome = closed(*wo, "rescheduled");
            return;
        }
        const Schedule previous{wo->scheduled_date, wo->window_start, wo->window_end};
        if (previous == next) {  // asked again: nothing to change
            *outcome = ChangedWorkOrder{false, work_orders_.to_json(db, *wo)};
            return;
        }
        const std::string now = now_utc();
        const std::string from = wo->status;
        const bool in_progress = status_rank(from) > status_rank("dispatched");
        store::ScheduleUpdate update{next.scheduled_date, next.window_start, next.window_end,
                                     in_progress ? "dispatched" : from, false};
        // A vendor route is a day's run: on another day the order is no longer one of its stops
        // (a route-level result for that day must not close it).
        update.leave_route = wo->route_id && wo->route_date != next.scheduled_date;
        db.reschedule_work_order(wo->id, update, now);

        std::string note =
            "rescheduled from " +
            describe(previous.scheduled_date, previous.window_start, previous.window_end) + " to " +
            describe(next.scheduled_date, next.window_start, next.window_end);
        if (update.leave_route)
            note += "; off route " + *wo->route_id + " of " + wo->route_date.value_or("?");
        db.append_history(wo->id, store::HistoryEntry{now, from, update.status, "crm", std::nullopt,
                                                      std::move(note)});

        wo->scheduled_date = next.scheduled_date;
        wo->window_start = next.window_start;
        wo->window_end = next.window_end;
        wo->status = update.status;
        wo->updated_at = now;
        if (update.leave_route) wo->route_id = wo->route_date = wo->stop_seq = std::nullopt;

        auto event = status_event(events_, *wo, update.status, std::nullopt, now);
        event.event_type = events_.type_prefix + ".rescheduled";
        event.extra_json =
            nlohmann::json{{"scheduled_date", next.scheduled_date},
                           {"window", window_json(next.window_start, next.window_end)},
                           {"previous_date", previous.scheduled_date}}
                .dump();
        db.enqueue_event(event);
        record_dispatch(db, *wo, spec_of(vendors, *wo), DispatchChange::rescheduled, now);
        *outcome = ChangedWorkOrder{true, work_orders_.to_json(db, *wo)};
    };
    submit(std::move(job), outcome, std::move(done));
}

}  // namespace fieldgate
