// The senders: render an outbox row, sign it, POST it with the endpoint's credentials.
#include <spdlog/spdlog.h>

#include "delivery_runtime.h"
#include "webhook_signer.h"

namespace fieldgate::delivery {

using namespace detail;

void DeliveryWorker::sender_loop() {
    std::vector<std::unique_ptr<http::HttpClient>> clients(endpoints_.size());
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            jobs_ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        auto attempt = send(job, clients);
        settle(std::move(job), std::move(attempt));
    }
}

DeliveryWorker::Attempt DeliveryWorker::send(
    Job& job, std::vector<std::unique_ptr<http::HttpClient>>& clients) {
    const auto& rt = *endpoints_[job.endpoint];  // endpoint and url never change after start
    Attempt a;
    RenderedEvent rendered;
    try {
        auto db = reads_.acquire();
        rendered = renderer_(*db, rt.endpoint, job.row.event);
    } catch (const std::exception& e) {
        a.store_failed = store::is_transient_failure(e) || store::is_unreachable(e);
        a.render_failed = !a.store_failed;
        a.error = std::string("cannot render the event: ") + e.what();
        return a;
    }
    if (auto over = over_body_limit(rendered)) {
        a.status = 413;  // what the CRM would answer; settled as its 413 is
        a.error = *over;
        return a;
    }
    const auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    const WebhookSigner signer(secrets_.values(rt.endpoint.secret_name));
    http::HeaderList headers = {{"content-type", rendered.content_type},
                                {"webhook-id", rendered.id},
                                {"webhook-timestamp", std::to_string(timestamp)}};
    if (!signer.empty())
        headers.emplace_back("webhook-signature",
                             signer.sign(rendered.id, timestamp, rendered.body));
    auto& client = clients[job.endpoint];
    if (!client) client = std::make_unique<http::HttpClient>(rt.client);
    try {
        const auto response =
            post(rt.endpoint, *client, rt.url.target, std::move(headers), rendered.body);
        a.status = response.status;
        if (classify(a.status) != AttemptResult::delivered) {
            a.error = "HTTP " + std::to_string(a.status);
            if (!response.body.empty()) a.error += ": " + response.body.substr(0, 200);
        }
        if (auto ra = response.header("retry-after"))
            a.retry_after = parse_retry_after(*ra, std::chrono::system_clock::now());
    } catch (const http::TransportError& e) {
        a.error = e.what();
        if (http::is_certificate_problem(e.failure()))
            a.certificate_problem = std::string(http::failure_name(e.failure()));
    } catch (const std::exception& e) {  // no access token (the provider refused, ...)
        a.error = e.what();
    }
    return a;
}

// POSTs with the endpoint's credentials. An OAuth 2.0 token the endpoint refuses (401) is
// replaced once and the request sent again: tokens can be revoked or expire early.
http::ClientResponse DeliveryWorker::post(const Endpoint& endpoint, http::HttpClient& client,
                                          const std::string& target, http::HeaderList headers,
                                          const std::string& body) {
    if (!endpoint.bearer_secret.empty()) {
        const auto keys = secrets_.values(endpoint.bearer_secret);
        if (!keys.empty()) headers.emplace_back("authorization", "Bearer " + keys.front());
    }
    if (!endpoint.oauth2) return client.request("POST", target, headers, body, options_.timeout);
    headers.emplace_back("authorization", "");
    return endpoint.oauth2->send_authorized([&](const std::string& authorization) {
        headers.back().second = authorization;
        return client.request("POST", target, headers, body, options_.timeout);
    });
}

// A certificate we do not accept is not an outage that passes: someone must act. It pauses the
// endpoint like any endpoint-wide failure, and is an ALERT once per change of the problem.
void DeliveryWorker::note_certificate(Runtime& rt, const Attempt& attempt) {
    if (attempt.certificate_problem.empty()) {
        rt.certificate_problem.clear();
        return;
    }
    ++rt.certificate_failures;
    if (rt.certificate_problem != attempt.certificate_problem)
        spdlog::error(
            "ALERT delivery: endpoint {} refused: its certificate is not accepted ({}); sending "
            "is paused and nothing is marked delivered until it is fixed: {}",
            rt.endpoint.name, attempt.certificate_problem, attempt.error);
    rt.certificate_problem = attempt.certificate_problem;
}

}  // namespace fieldgate::delivery
