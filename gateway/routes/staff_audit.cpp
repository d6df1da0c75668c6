#include "staff_audit.h"

#include <spdlog/spdlog.h>

#include "time_util.h"
#include "transaction.h"

namespace fieldgate {

namespace {
constexpr std::size_t kDetailBytes = 1000;
}  // namespace

http::Respond audited(store::Writer& writer, const console::Caller& caller, const RouteSpec& route,
                      const http::Request& request, http::Respond respond) {
    store::AuditEntry entry{0,
                            {},
                            caller.account,
                            caller.role,
                            request.method + " " + std::string(route.path),
                            request.path,
                            0,
                            request.body.substr(0, std::min(request.body.size(), kDetailBytes))};
    return [&writer, entry = std::move(entry),
            respond = std::move(respond)](http::Response r) mutable {
        entry.at = now_utc();
        entry.status = r.status;
        auto shared = std::make_shared<http::Response>(std::move(r));
        const bool queued =
            writer.submit([entry](store::Transaction& db) { db.append_audit(entry); },
                          [respond, shared, action = entry.action](std::exception_ptr error) {
                              if (error)
                                  spdlog::error("audit: the entry for {} was not stored", action);
                              respond(std::move(*shared));
                          });
        if (!queued) {
            spdlog::error("audit: the write queue is full; {} not logged", entry.action);
            respond(std::move(*shared));
        }
    };
}

}  // namespace fieldgate
