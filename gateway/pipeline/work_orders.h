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
#include "writer.h"

namespace fieldgate {

struct CreatedWorkOrder {
    int status = 201;  // 201 new, 200 the same request again
    nlohmann::json body;
};

class WorkOrderService {
  public:
    using VendorExists = std::function<bool(const std::string&)>;
    WorkOrderService(const GatewayConfig& config, const Catalog& catalog, store::Writer& writer,
                     store::ReadPool& reads, VendorExists vendor_exists);

    // Validates on the caller's thread; commits on the writer; `done` runs after the commit.
    void create(const std::string& body,
                std::function<void(std::variant<ApiError, CreatedWorkOrder>)> done);
    std::optional<nlohmann::json> get(const std::string& id);
    std::optional<nlohmann::json> find_by_case(const std::string& crm_case_id);

    // Exposed for tests: the request body -> a work order row, or the first problem.
    std::variant<ApiError, store::WorkOrder> parse(const std::string& body) const;

  private:
    nlohmann::json to_json(sqlite::Connection& db, const store::WorkOrder& wo) const;
    std::optional<std::string> assign(const std::string& service_type) const;

    const GatewayConfig& config_;
    const Catalog& catalog_;
    store::Writer& writer_;
    store::ReadPool& reads_;
    VendorExists vendor_exists_;
    JsonSchema schema_;
    EventContext events_;
};

}  // namespace fieldgate
