// Shared by the HTTP tests: a small Service with the behaviours the server must cope with, and
// a real Server on 127.0.0.1, port 0, run on its own thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "server.h"
#include "types.h"

namespace fieldgate::http::testing {

// Paths:
//   /echo…    body echoed; the head is described in x-* response headers
//   /small    like /echo with a 16-byte body limit
//   /async    answered from a worker thread after a short delay
//   /throw    handle() throws
//   /drop     respond is dropped without being called
//   /twice    respond is called twice
//   /close    Response.close = true
//   /late     respond is kept; call answer_late() to use it
//   /batch    held until `batch_of` are held, then all answered at once from another thread,
//             as the store writer settles a batch
//   /nocontent 204
//   /guarded…  refused 401 from the head by admit() unless X-Key: open (the body is not read)
class TestService : public Service {
  public:
    TestService() : worker_([this] { work(); }) {}
    ~TestService() override {
        {
            std::lock_guard lock(mutex_);
            quit_ = true;
        }
        cv_.notify_all();
        worker_.join();
    }

    std::size_t body_limit(const Request& head) const override {
        return head.path == "/small" ? 16 : 1024;
    }

    Admission admit(const Request& head) override {
        if (head.path.rfind("/guarded", 0) == 0 && head.header("x-key") != "open") {
            ++refused_at_head;
            return {0, Response{401, "text/plain", {}, "key?", false, {}}};
        }
        return {body_limit(head), std::nullopt};
    }

    void handle(Request request, Respond respond) override {
        ++handled;
        const std::string& path = request.path;
        if (path == "/throw") throw std::runtime_error("boom");
        if (path == "/drop") return;
        if (path == "/late") {
            std::lock_guard lock(mutex_);
            late_ = std::move(respond);
            return;
        }
        Response r = describe(request);
        if (path == "/close") r.close = true;
        if (path == "/nocontent") {
            r.status = 204;
            r.body.clear();
        }
        if (path == "/twice") {
            respond(r);
            r.body = "second";
            respond(r);
            return;
        }
        if (path == "/async") {
            {
                std::lock_guard lock(mutex_);
                queue_.emplace_back(std::move(respond), std::move(r));
            }
            cv_.notify_all();
            return;
        }
        if (path == "/batch") {
            {
                std::lock_guard lock(mutex_);
                held_.emplace_back(std::move(respond), std::move(r));
                if (held_.size() < batch_of) return;
                batches_.push_back(std::move(held_));
                held_.clear();
            }
            cv_.notify_all();
            return;
        }
        respond(std::move(r));
    }

    bool has_late() {
        std::lock_guard lock(mutex_);
        return static_cast<bool>(late_);
    }

    void answer_late() {
        Respond respond;
        {
            std::lock_guard lock(mutex_);
            respond = std::move(late_);
        }
        if (respond) respond(Response{200, "text/plain", {}, "late", false, {}});
    }

    std::atomic<int> handled{0};
    std::atomic<int> refused_at_head{0};
    std::size_t batch_of = 16;  // set before the first /batch request

  private:
    static Response describe(const Request& request) {
        Response r;
        r.content_type = "application/octet-stream";
        r.body = request.body;
        r.headers.push_back({"x-method", request.method});
        r.headers.push_back({"x-path", request.path});
        r.headers.push_back({"x-query", request.query});
        r.headers.push_back({"x-body-too-large", request.body_too_large ? "1" : "0"});
        r.headers.push_back({"x-declared-length", std::to_string(request.declared_length)});
        r.headers.push_back({"x-body-size", std::to_string(request.body.size())});
        r.headers.push_back({"x-remote", request.remote_address});
        r.headers.push_back({"x-client", request.client_address});
        if (auto v = request.header("X-Test"))
            r.headers.push_back({"x-seen-test", std::string(*v)});
        if (auto q = request.query_param("q")) r.headers.push_back({"x-q", *q});
        if (auto q = request.query_param("x")) r.headers.push_back({"x-x", *q});
        return r;
    }

    void work() {
        std::unique_lock lock(mutex_);
        for (;;) {
            cv_.wait(lock, [this] { return quit_ || !queue_.empty() || !batches_.empty(); });
            if (!batches_.empty()) {
                auto batch = std::move(batches_.front());
                batches_.pop_front();
                lock.unlock();
                for (auto& [respond, response] : batch) respond(std::move(response));
                lock.lock();
                continue;
            }
            if (queue_.empty()) return;
            auto [respond, response] = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            response.headers.push_back({"x-async", "1"});
            respond(std::move(response));
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::pair<Respond, Response>> queue_;
    std::vector<std::pair<Respond, Response>> held_;
    std::deque<std::vector<std::pair<Respond, Response>>> batches_;
    Respond late_;
    bool quit_ = false;
    std::thread worker_;
};

inline ServerOptions test_options() {
    ServerOptions o;
    o.address = "127.0.0.1";
    o.port = 0;
    return o;
}

// A started Server whose run() is on its own thread; stopped and joined on destruction.
class RunningServer {
  public:
    explicit RunningServer(Service& service, ServerOptions options = test_options())
        : server_(std::move(options), service) {
        server_.start();
        thread_ = std::thread([this] { server_.run(); });
    }
    ~RunningServer() { stop(); }
    RunningServer(const RunningServer&) = delete;
    RunningServer& operator=(const RunningServer&) = delete;

    void stop() {
        server_.stop();
        if (thread_.joinable()) thread_.join();
    }
    std::uint16_t port() const { return server_.port(); }
    Server& server() { return server_; }

  private:
    Server server_;
    std::thread thread_;
};

// Polls `condition` until it holds or `limit` passes.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
}

}  // namespace fieldgate::http::testing
