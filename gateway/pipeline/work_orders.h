// Work orders from the CRM: validated, assigned to a vendor, stored with their history, and
// read back with their outcome.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "catalog.h"
#include "config.h"
#include "events.h"
#include "json_schema.h"
#include "read_pool.h"
#include "records.h"
#include "registry.h"
#include "writer.h"

namespace fieldgate {

struct CreatedWorkOrder {
    int status = 201;  // 201 new, 200 the same request again
    nlohmann::json body;
};

class WorkOrderService {
  public:
    // The vendors as configured now (the registry is swapped whole on reload).
    using Vendors = std::function<std::shared_ptr<const VendorRegistry>()>;
    WorkOrderService(const GatewayConfig& config, const Catalog& catalog, store::Writer& writer,
                     store::ReadPool& reads, Vendors vendors);

    // Validates on the caller's thread; commits on the writer; `done` runs after the commit.
    void create(const std::string& body,
                std::function<void(std::variant<ApiError, CreatedWorkOrder>)> done);
    std::optional<nlohmann::json> get(const std::string& id);
    std::optional<nlohmann::json> find_by_case(const std::string& crm_case_id);

    // Exposed for tests: the request body -> a work order row, or the first problem.
    std::variant<ApiError, store::WorkOrder> parse(const std::string& body) const;

    // The work order as the CRM reads it: with its outcome and history.
    nlohmann::json to_json(store::Transaction& db, const store::WorkOrder& wo) const;

  private:
    std::variant<ApiError, store::WorkOrder> parse(const std::string& body,
                                                   const VendorRegistry* vendors) const;

    const GatewayConfig& config_;
    const Catalog& catalog_;
    store::Writer& writer_;
    store::ReadPool& reads_;
    Vendors vendors_;
    JsonSchema schema_;
    EventContext events_;
};

}  // namespace fieldgate
