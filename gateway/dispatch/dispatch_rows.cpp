#include "dispatch_rows.h"

#include "transaction.h"

namespace fieldgate {

const char* to_string(DispatchChange change) {
    switch (change) {
        case DispatchChange::assigned:
            return "assigned";
        case DispatchChange::cancelled:
            return "cancelled";
        case DispatchChange::rescheduled:
            return "rescheduled";
        case DispatchChange::unassigned:
            return "unassigned";
    }
    return "assigned";
}

namespace {
constexpr std::string_view kEventPrefix = "workorder.";
}

std::string dispatch_event_type(DispatchChange change) {
    return std::string(kEventPrefix) + to_string(change);
}

std::string change_of_event_type(std::string_view event_type) {
    if (event_type.substr(0, kEventPrefix.size()) == kEventPrefix)
        event_type.remove_prefix(kEventPrefix.size());
    return std::string(event_type);
}

std::string vendor_destination(std::string_view vendor_id) {
    return "vendor:" + std::string(vendor_id);
}

void record_dispatch(store::Transaction& db, const store::WorkOrder& wo, const VendorSpec* vendor,
                     DispatchChange change, const std::string& at) {
    if (!wo.vendor) return;
    db.append_feed(store::FeedRow{0, *wo.vendor, wo.id, to_string(change), at});
    if (vendor == nullptr || vendor->id != *wo.vendor || !vendor->dispatch.push()) return;
    store::OutboxEvent event;
    event.work_order_id = wo.id;
    event.event_type = dispatch_event_type(change);
    event.status = wo.status;
    event.created_at = at;
    db.enqueue_event_to(event, vendor_destination(vendor->id));
}

}  // namespace fieldgate
