// Reports and vendor health on PostgreSQL: the SQL of ReportRepository, on the connection of the
// unit of work it is given.
#pragma once

#include "pg.h"
#include "report_repository.h"

namespace fieldgate::store {

class PgReportRepository : public virtual ReportRepository {
  public:
    explicit PgReportRepository(pg::Connection& db) : db_(&db) {}

    std::vector<CorrectionRef> recent_corrections(const std::string& vendor,
                                                  const std::string& since, int limit) override;
    std::map<std::string, std::int64_t> open_quarantine_by_vendor() override;
    std::map<std::string, PendingFigures> pending_by_destination() override;
    std::map<std::string, std::int64_t> dead_by_destination() override;
    VendorHealthFigures vendor_health_figures(const std::string& vendor,
                                              const std::string& since) override;
    void visit_report_orders(const ReportPeriod& period,
                             const std::function<void(const ReportOrderRow&)>& visit) override;

  private:
    pg::Connection* db_;
};

}  // namespace fieldgate::store
