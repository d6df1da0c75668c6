// The CRM changing an order it sent: cancel and reschedule. Each change commits in one writer
// transaction with its history entry, its CRM outbox event and the vendor's dispatch rows; a
// repeat of a change already made writes nothing and answers the order as it is.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "config.h"
#include "events.h"
#include "json_schema.h"
#include "schedule.h"
#include "work_orders.h"
#include "writer.h"

namespace fieldgate {

struct ChangedWorkOrder {
    bool changed = false;  // false: the order already was that way, nothing written
    nlohmann::json body;   // WorkOrderService::to_json
};

class OrderChangeService {
  public:
    using Done = std::function<void(std::variant<ApiError, ChangedWorkOrder>)>;
    OrderChangeService(const GatewayConfig& config, store::Writer& writer,
                       const WorkOrderService& work_orders, WorkOrderService::Vendors vendors);

    // status -> cancelled. 404 unknown; 409 work-order-closed when it has a final outcome;
    // already cancelled: unchanged. `body` may be empty or {"reason": "..."}.
    void cancel(const std::string& id, const std::string& body, Done done);
    // New scheduled_date and window (absent window = none); overdue_at cleared; acknowledged /
    // en_route / on_site go back to dispatched. 404 unknown; 409 work-order-cancelled or
    // work-order-closed; the same schedule again: unchanged.
    void reschedule(const std::string& id, const std::string& body, Done done);

    // Exposed for tests: the bodies checked, or the first problem.
    std::variant<ApiError, std::optional<std::string>> parse_cancel(const std::string& body) const;
    std::variant<ApiError, Schedule> parse_reschedule(const std::string& body) const;

  private:
    void submit(store::Writer::Job job, std::shared_ptr<std::variant<ApiError, ChangedWorkOrder>>,
                Done done);

    store::Writer& writer_;
    const WorkOrderService& work_orders_;
    WorkOrderService::Vendors vendors_;
    JsonSchema cancel_schema_;
    JsonSchema reschedule_schema_;
    EventContext events_;
};

}  // namespace fieldgate
