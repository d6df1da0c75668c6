// Response::prepare: a response produced on another thread is formatted on the server's I/O
// thread just before it is written.
#include <gtest/gtest.h>

#include <thread>

#include "http_client.h"
#include "http_test_support.h"

namespace fieldgate::http {
namespace {

class DeferredService : public Service {
  public:
    std::size_t body_limit(const Request&) const override { return 1024; }
    void handle(Request request, Respond respond) override {
        io_thread = std::this_thread::get_id();
        std::thread([this, respond, path = request.path]() mutable {
            producer_thread = std::this_thread::get_id();
            Response r;
            r.prepare = [this, path](Response& out) {
                prepared_on = std::this_thread::get_id();
                if (path == "/fail") throw std::runtime_error("cannot format");
                out.status = 201;
                out.content_type = "text/plain";
                out.body = "prepared " + path;
            };
            respond(std::move(r));
        }).detach();
    }
    std::thread::id io_thread, producer_thread, prepared_on;
};

TEST(ResponsePrepare, RunsOnTheIoThreadAndItsResultIsSent) {
    DeferredService service;
    testing::RunningServer server(service);
    sim::HttpClient client("127.0.0.1", server.port());
    const auto r = client.get("/x");
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.body, "prepared /x");
    EXPECT_EQ(service.prepared_on, service.io_thread);
    EXPECT_NE(service.prepared_on, service.producer_thread);
}

TEST(ResponsePrepare, AFailingPrepareAnswers500AndTheConnectionKeepsServing) {
    DeferredService service;
    testing::RunningServer server(service);
    sim::HttpClient client("127.0.0.1", server.port());
    EXPECT_EQ(client.get("/fail").status, 500);
    EXPECT_EQ(client.get("/ok").body, "prepared /ok");
}

}  // namespace
}  // namespace fieldgate::http
