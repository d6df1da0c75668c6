// A store, a writer and the catalog for tests of the ingest path (apply_ingest) and of what
// reads what it stored: orders added directly, normalized results applied as a vendor's would be.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "catalog.h"
#include "ingest.h"
#include "read_pool.h"
#include "sqlite_read_pool.h"
#include "sqlite_transaction.h"
#include "sqlite_writer.h"
#include "support/temp_dir.h"
#include "transaction.h"
#include "writer.h"

namespace fieldgate::test {

class IngestFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        catalog_ = std::make_unique<Catalog>(
            Catalog::load(source_path("gateway/catalog/standard-codes.json"),
                          source_path("gateway/catalog/standard-codes.schema.json")));
        ctx_.catalog = catalog_.get();
        ctx_.events = EventContext{"gov.sanjose.workorder", "urn:fieldgate"};
        ctx_.city_zone = "America/Los_Angeles";
        writer_ =
            std::make_unique<store::SqliteWriter>(store::SqliteWriterOptions{dir_.file("g.db")});
        reads_ = std::make_unique<store::SqliteReadPool>(dir_.file("g.db"));
    }

    void add_order(const std::string& id, const std::string& sr, const std::string& vendor,
                   const std::string& status = "dispatched", const std::string& route = "R1",
                   const std::string& seq = "1") {
        store::WorkOrder wo;
        wo.id = id;
        wo.crm_case_id = sr;
        wo.service_type = "bulky_item";
        wo.address = "1 Main St";
        wo.lat = 37.3345;
        wo.lon = -121.8886;
        wo.scheduled_date = "2026-02-03";
        wo.vendor = vendor;
        wo.route_id = route;
        wo.route_date = "2026-02-03";
        wo.stop_seq = seq;
        wo.status = status;
        wo.content_hash = "h";
        wo.created_at = wo.updated_at = "2026-02-01T00:00:00Z";
        writer_->run_sync([wo](store::Transaction& db) { db.insert_work_order(wo); });
    }

    static NormalizedResult result(const std::string& sr, const std::string& outcome,
                                   const std::string& reason, const std::string& ref) {
        NormalizedResult r;
        r.crm_case_id = sr;
        r.vendor_ref = ref;
        r.outcome = outcome;
        r.reason = reason;
        r.occurred_at = "2026-02-03T10:42:17-08:00";
        r.lat = 37.33452;
        r.lon = -121.88861;
        r.photos = {"https://example/1.jpg"};
        return r;
    }

    IngestReport ingest(std::vector<NormalizedResult> results,
                        const std::string& vendor = "bay-hauling", const std::string& body = "{}") {
        IngestRequest req;
        req.vendor = vendor;
        req.source = "vendor:" + vendor;
        req.mapping_version = "1.0.0+abc";
        req.raw.vendor = vendor;
        req.raw.channel = "http";
        req.raw.received_at = "2026-02-03T19:00:00Z";
        req.raw.body = body;
        req.normalized.batch = results.size() > 1;
        for (auto& r : results) {
            RecordResult rec;
            rec.result = std::move(r);
            req.normalized.records.push_back(std::move(rec));
        }
        IngestReport report;
        writer_->run_sync([&](store::Transaction& db) { report = apply_ingest(db, ctx_, req); });
        return report;
    }

    store::WorkOrder order(const std::string& id) {
        auto db = reads_->acquire();
        return *db->find_work_order(id);
    }

    int count(const std::string& sql) {
        auto db = reads_->acquire();
        auto q = store::sqlite_connection(*db).prepare(sql);
        q->step();
        return static_cast<int>(q->integer(0));
    }

    TempDir dir_;
    std::unique_ptr<Catalog> catalog_;
    IngestContext ctx_;
    std::unique_ptr<store::Writer> writer_;
    std::unique_ptr<store::ReadPool> reads_;
};

}  // namespace fieldgate::test
