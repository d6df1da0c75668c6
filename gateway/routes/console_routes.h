// The staff console (README "Staff console"): its static files and its own small API.
//   GET  /console/, /console/{file}             the pages, scripts and styles (no credential:
//                                               they hold no data; every figure comes from the
//                                               staff API, which needs a session or the token)
//   POST /console/api/session                   sign in {name, password}: the session cookie,
//                                               and the CSRF token in the body
//   GET  /console/api/session                   who is signed in, and the CSRF token again
//   POST /console/api/sign-out                  ends the session everywhere (CSRF token needed)
//   GET  /v1/admin/audit                        every change staff made, newest first
//   GET  /v1/admin/work-orders?q=               find orders by case, vendor reference, address
//   GET  /v1/admin/work-orders/{id}             the order, outcome, history and its CRM events
#pragma once

#include <memory>
#include <string>

#include "console_sessions.h"
#include "read_pool.h"
#include "route_table.h"
#include "static_files.h"
#include "work_orders.h"
#include "work_queue.h"
#include "writer.h"

namespace fieldgate {

struct ConsoleParts {
    std::string users_file;  // empty: nobody can sign in (the admin token still works)
    std::string static_dir;
    const console::Sessions* sessions = nullptr;
    store::Writer* writer = nullptr;
    store::ReadPool* reads = nullptr;
    WorkOrderService* work_orders = nullptr;  // the order as the CRM API shows it
    bool secure_cookie = false;               // Secure even over plain HTTP (TLS ended by a proxy)
};

class ConsoleRoutes {
  public:
    explicit ConsoleRoutes(ConsoleParts parts);
    ~ConsoleRoutes();
    void add_routes(RouteTable& table);

  private:
    void serve_file(std::string_view name, http::Respond& respond) const;
    void sign_in(const http::Request& request, http::Respond& respond);
    void open_session(const std::string& account, const std::string& role, bool secure,
                      http::Respond respond);
    void who(const http::Request& request, http::Respond& respond) const;
    void sign_out(const http::Request& request, http::Respond& respond);
    void audit(const http::Request& request, http::Respond& respond) const;
    // console_order_routes.cpp
    void find_orders(const http::Request& request, http::Respond& respond) const;
    void show_order(const std::string& id, http::Respond& respond) const;

    ConsoleParts parts_;
    console::StaticFiles files_;
    // Argon2id takes ~0.1 s and 64 MiB: one at a time, off the HTTP I/O thread.
    std::unique_ptr<WorkQueue> verifier_;
};

// Every answer of the console and its API carries these (CSP, nosniff, no referrer).
void add_console_headers(http::Response& response);

}  // namespace fieldgate
