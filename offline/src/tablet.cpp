#include "fieldgate/offline.h"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <random>

#include <nlohmann/json.hpp>

#include "gateway_link.h"
#include "ids.h"
#include "local_store.h"
#include "sync_steps.h"
#include "time_util.h"

namespace fieldgate::offline {

namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
    return format_utc(std::chrono::time_point_cast<std::chrono::milliseconds>(t));
}

Assignment assignment_from_view(const nlohmann::json& v) {
    Assignment a;
    auto text = [&v](const char* key) {
        return v.contains(key) && v[key].is_string() ? v[key].get<std::string>() : std::string();
    };
    a.work_order_id = text("id");
    a.crm_case_id = text("crm_case_id");
    a.service_type = text("service_type");
    a.address = text("address");
    a.scheduled_date = text("scheduled_date");
    a.instructions = text("instructions");
    a.status = text("status");
    if (v.contains("location") && v["location"].is_object()) {
        const auto& l = v["location"];
        if (l.contains("lat") && l["lat"].is_number()) a.lat = l["lat"].get<double>();
        if (l.contains("lon") && l["lon"].is_number()) a.lon = l["lon"].get<double>();
    }
    if (v.contains("window") && v["window"].is_object()) {
        a.window_start = v["window"].value("start", "");
        a.window_end = v["window"].value("end", "");
    }
    a.items_json = v.contains("items") ? v["items"].dump() : "[]";
    return a;
}

std::string random_hex(std::size_t n) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s(n, '0');
    for (auto& c : s) c = kHex[rng() & 0xf];
    return s;
}

}  // namespace

struct Tablet::Impl {
    mutable std::mutex mutex;  // one connection, one operation at a time
    LocalStore store;
    DeviceClock clock;

    Impl(const std::string& path, DeviceClock c) : store(path), clock(std::move(c)) {
        if (!clock) clock = [] { return std::chrono::system_clock::now(); };
    }

    std::string setting(const std::string& key, const std::string& fallback = {}) {
        return store.setting(key).value_or(fallback);
    }

    Credentials credentials() {
        Credentials c;
        c.device_id = setting("device_id");
        c.secret = setting("device_secret");
        c.gateway.host = setting("gateway_host", "127.0.0.1");
        c.gateway.port = static_cast<std::uint16_t>(std::stoi(setting("gateway_port", "8080")));
        if (c.device_id.empty() || c.secret.empty())
            throw InvalidArgument("the tablet is not enrolled: run enroll (register) first");
        return c;
    }
    std::string now() { return rfc3339(clock()); }
};

Tablet::Tablet(const std::string& db_path, DeviceClock clock)
    : impl_(std::make_unique<Impl>(db_path, std::move(clock))) {}
Tablet::~Tablet() = default;

void Tablet::enroll(const GatewayAddress& gateway, const std::string& device_id,
                    const std::string& enrollment_token, const std::string& app_version) {
    std::lock_guard lock(impl_->mutex);
    if (device_id.empty() || enrollment_token.empty())
        throw InvalidArgument("device id and enrollment token are required");
    GatewayLink link(gateway, {}, std::chrono::seconds(30));
    const auto answer =
        link.post_json("/v1/sync/enroll", nlohmann::json{{"device_id", device_id},
                                                         {"enrollment_token", enrollment_token},
                                                         {"app_version", app_version}}
                                              .dump());
    auto& store = impl_->store;
    LocalStore::Transaction tx(store);
    store.put_setting("device_id", answer.at("device_id").get<std::string>());
    store.put_setting("crew", answer.at("crew").get<std::string>());
    store.put_setting("device_secret", answer.at("device_secret").get<std::string>());
    store.put_setting("gateway_host", gateway.host);
    store.put_setting("gateway_port", std::to_string(gateway.port));
    tx.commit();
}

bool Tablet::enrolled() const {
    std::lock_guard lock(impl_->mutex);
    return !impl_->setting("device_secret").empty();
}

void Tablet::set_gateway(const GatewayAddress& gateway) {
    std::lock_guard lock(impl_->mutex);
    LocalStore::Transaction tx(impl_->store);
    impl_->store.put_setting("gateway_host", gateway.host);
    impl_->store.put_setting("gateway_port", std::to_string(gateway.port));
    tx.commit();
}

std::size_t Tablet::pull(int days, std::chrono::milliseconds timeout) {
    std::lock_guard lock(impl_->mutex);
    if (days < 1 || days > 31) throw InvalidArgument("days must be from 1 to 31");
    const auto creds = impl_->credentials();
    GatewayLink link(creds.gateway, creds, timeout);
    const auto answer = link.get_json("/v1/sync/assignments?days=" + std::to_string(days));
    const std::string at = impl_->now();
    auto& store = impl_->store;
    LocalStore::Transaction tx(store);
    const auto& orders = answer.at("assignments");
    for (const auto& view : orders) store.upsert_assignment(view, at);
    if (answer.contains("catalog")) store.put_setting("catalog", answer["catalog"].dump());
    // The first download fixes where the change feed starts; later ones leave it to sync.
    if (!store.setting("cursor"))
        store.put_setting("cursor", std::to_string(answer.at("cursor").get<std::int64_t>()));
    tx.commit();
    return orders.size();
}

std::vector<Assignment> Tablet::assignments() const {
    std::lock_guard lock(impl_->mutex);
    std::vector<Assignment> out;
    for (const auto& view : impl_->store.assignment_views())
        out.push_back(assignment_from_view(nlohmann::json::parse(view)));
    return out;
}

std::optional<Assignment> Tablet::assignment(const std::string& work_order_id) const {
    std::lock_guard lock(impl_->mutex);
    const auto view = impl_->store.assignment_view(work_order_id);
    if (!view) return std::nullopt;
    return assignment_from_view(nlohmann::json::parse(*view));
}

std::string Tablet::catalog_json() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->setting("catalog");
}

RecordedAction Tablet::record(const ActionInput& action) {
    std::lock_guard lock(impl_->mutex);
    static const char* kTypes[] = {"arrived", "completed", "partial", "not_collected", "note"};
    if (std::find(std::begin(kTypes), std::end(kTypes), action.type) == std::end(kTypes))
        throw InvalidArgument("type must be arrived, completed, partial, not_collected or note");
    if (action.work_order_id.empty()) throw InvalidArgument("a work order id is required");
    const bool needs_reason = action.type == "partial" || action.type == "not_collected";
    if (needs_reason && action.reason.empty())
        throw InvalidArgument(action.type + " needs a reason from the catalog");
    if (!needs_reason && !action.reason.empty())
        throw InvalidArgument("only partial and not_collected take a reason");
    if (!action.reason.empty()) {
        const auto catalog = impl_->setting("catalog");
        if (!catalog.empty()) {
            const auto c = nlohmann::json::parse(catalog, nullptr, false);
            if (c.is_object() && c.contains("reasons") && !c["reasons"].contains(action.reason))
                throw InvalidArgument("'" + action.reason + "' is not a reason of the catalog");
        }
    }
    RecordedAction recorded;
    std::vector<NewPhoto> photos;
    for (const auto& path : action.photo_paths) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw InvalidArgument("cannot read photo " + path);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        recorded.photo_sha256.push_back(sha256_hex(bytes));
        photos.push_back(
            {recorded.photo_sha256.back(), path, static_cast<std::int64_t>(bytes.size())});
    }
    const auto occurred = action.occurred_at ? *action.occurred_at : impl_->clock();
    const std::string now = impl_->now();

    auto& store = impl_->store;
    LocalStore::Transaction tx(store);
    const std::int64_t seq = store.next_seq();
    recorded.seq = seq;
    recorded.action_id = "a" + std::to_string(seq) + "-" + random_hex(12);
    nlohmann::json body = {{"action_id", recorded.action_id},
                           {"seq", seq},
                           {"work_order_id", action.work_order_id},
                           {"type", action.type},
                           {"occurred_at", rfc3339(occurred)}};
    if (!action.reason.empty()) body["reason"] = action.reason;
    if (!action.detail.empty()) body["detail"] = action.detail;
    if (action.lat) body["lat"] = *action.lat;
    if (action.lon) body["lon"] = *action.lon;
    if (action.gps_accuracy_m) body["gps_accuracy_m"] = *action.gps_accuracy_m;
    if (action.items_collected) body["items_collected"] = *action.items_collected;
    if (!recorded.photo_sha256.empty()) body["photos"] = recorded.photo_sha256;
    store.add_action(
        {seq, recorded.action_id, action.work_order_id, action.type, body.dump(), now});
    for (const auto& photo : photos) store.add_photo(photo, seq);
    tx.commit();
    return recorded;
}

SyncReport Tablet::sync(const SyncOptions& options) {
    std::lock_guard lock(impl_->mutex);
    SyncReport report;
    try {
        const auto creds = impl_->credentials();
        GatewayLink link(creds.gateway, creds, options.timeout);
        const Now now = [this] { return impl_->now(); };
        push_pending_actions(impl_->store, link, options, report, now);
        upload_pending_photos(impl_->store, link, options, report);
        pull_assignment_changes(impl_->store, link, report, now);
        report.complete = true;
        LocalStore::Transaction tx(impl_->store);
        impl_->store.put_setting("last_sync_at", impl_->now());
        tx.commit();
    } catch (const std::exception& e) {
        report.error = e.what();
    }
    return report;
}

Status Tablet::status() const {
    std::lock_guard lock(impl_->mutex);
    Status s;
    auto& store = impl_->store;
    s.device_id = impl_->setting("device_id");
    s.crew = impl_->setting("crew");
    s.gateway = impl_->setting("gateway_host") + ":" + impl_->setting("gateway_port");
    s.cursor = std::stoll(impl_->setting("cursor", "0"));
    s.last_sync_at = impl_->setting("last_sync_at");
    s.assignments = store.assignment_count();
    s.pending_actions = store.pending_action_count();
    s.settled_actions = store.settled_action_count();
    s.pending_photos = store.pending_photo_count();
    s.next_seq = store.next_seq();
    return s;
}

std::vector<OutboxEntry> Tablet::outbox(bool pending_only) const {
    std::lock_guard lock(impl_->mutex);
    return impl_->store.outbox_entries(pending_only);
}

}  // namespace fieldgate::offline
