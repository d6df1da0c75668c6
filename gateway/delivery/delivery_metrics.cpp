#include "delivery_metrics.h"

#include "metrics_registry.h"

namespace fieldgate::delivery {

namespace {

using metrics::Labels;
using metrics::Registry;
using metrics::set_total;

void collect_delivery(Registry& registry, const DeliveryWorker& worker) {
    for (const auto& s : worker.status()) {
        const Labels labels = {{"endpoint", s.name}};
        set_total(
            registry.counter("fieldgate_delivery_delivered_total", "events delivered", labels),
            static_cast<double>(s.delivered));
        set_total(registry.counter("fieldgate_delivery_failed_attempts_total",
                                   "delivery attempts that failed", labels),
                  static_cast<double>(s.failed_attempts));
        set_total(registry.counter("fieldgate_delivery_certificate_failures_total",
                                   "attempts refused because the endpoint's certificate "
                                   "is untrusted, expired or for another host",
                                   labels),
                  static_cast<double>(s.certificate_failures));
        registry
            .gauge("fieldgate_delivery_endpoint_up",
                   "1 when the endpoint is active, 0 when paused, probing or disabled", labels)
            .Set(s.state == "active" ? 1 : 0);
    }
}

}  // namespace

std::uint64_t register_delivery_collectors(const DeliveryWorker& worker) {
    auto& registry = Registry::global();
    return registry.on_scrape([&registry, &worker] { collect_delivery(registry, worker); });
}

}  // namespace fieldgate::delivery
