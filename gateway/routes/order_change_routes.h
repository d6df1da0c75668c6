// The CRM's changes to an order it sent (the router checks the CRM bearer token):
//   POST /v1/work-orders/{id}/cancel       {"reason": "..."} or an empty body
//   POST /v1/work-orders/{id}/reschedule   {"scheduled_date": "YYYY-MM-DD", "window": {...}}
// Both answer 200 with the work order, or a problem (404, 409, 422).
#pragma once

#include "order_changes.h"
#include "route_table.h"

namespace fieldgate {

class OrderChangeRoutes {
  public:
    explicit OrderChangeRoutes(OrderChangeService& service) : service_(service) {}

    void add_routes(RouteTable& table);

  private:
    enum class Change { cancel, reschedule };
    void change(Change what, const std::string& id, const http::Request& request,
                http::Respond& respond);

    OrderChangeService& service_;
};

}  // namespace fieldgate
