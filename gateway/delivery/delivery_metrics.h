// The delivery worker's figures per endpoint, as /metrics gauges computed at scrape time.
#pragma once

#include <cstdint>

#include "delivery_worker.h"

namespace fieldgate::delivery {

// Returns the handle to remove them with (Registry::remove_collector) before `worker` goes away.
std::uint64_t register_delivery_collectors(const DeliveryWorker& worker);

}  // namespace fieldgate::delivery
