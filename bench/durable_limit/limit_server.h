// The durable limit's HTTP side, shared by its stores (sqlite_limit.cpp, pg_limit.cpp): Beast on
// one Asio I/O thread parses each Bay Hauling single result with nlohmann_json, hands the row to
// one writer thread that commits everything queued as one group through the store, and answers
// each request only after the commit that holds it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fieldgate::bench {

struct ResultRow {
    std::string ticket, service_request, status, exception_code, service_date, closed_at;
    std::string truck, driver, photos, notes;
    std::optional<double> lat, lon, accuracy_m;
    std::optional<std::int64_t> items_collected;
};

// nullopt when the body is not a JSON object with a ticket, a service request and a status.
std::optional<ResultRow> parse_result(const std::string& body);

// One durable store: commits all rows as one transaction, on the writer thread only.
class LimitStore {
  public:
    virtual ~LimitStore() = default;
    // Per row: 201 stored, 200 its ticket was stored already, 500 for every row when the
    // transaction did not commit.
    virtual std::vector<unsigned> commit_group(const std::vector<const ResultRow*>& rows) = 0;
};

std::unique_ptr<LimitStore> make_sqlite_store(const std::string& path);
// `url`: a libpq URL or connection string; the password from PGPASSWORD or ~/.pgpass, as libpq
// finds it. Refuses a server with fsync or synchronous_commit off (not a durable limit then).
std::unique_ptr<LimitStore> make_pg_store(const std::string& url);

// Serves POST /v1/vendors/bay-hauling/results on 127.0.0.1:port (0: any, written to port_file)
// until SIGINT or SIGTERM.
void serve(LimitStore& store, const std::string& port_file, unsigned short port);

}  // namespace fieldgate::bench
