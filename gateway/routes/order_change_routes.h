// The CRM's changes to an order it sent (the caller has checked the CRM bearer token):
//   POST /v1/work-orders/{id}/cancel       {"reason": "..."} or an empty body
//   POST /v1/work-orders/{id}/reschedule   {"scheduled_date": "YYYY-MM-DD", "window": {...}}
// Both answer 200 with the work order, or a problem (404, 409, 422).
#pragma once

#include "order_changes.h"
#include "types.h"

namespace fieldgate {

class OrderChangeRoutes {
  public:
    explicit OrderChangeRoutes(OrderChangeService& service) : service_(service) {}

    // False when the request is not for one of these routes (nothing was answered).
    bool handle(const http::Request& request, http::Respond& respond);

  private:
    OrderChangeService& service_;
};

}  // namespace fieldgate
