#include "sync_steps.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

namespace fieldgate::offline {

namespace {

void count_verdict(SyncReport& report, const std::string& verdict) {
    if (verdict == "accepted")
        ++report.accepted;
    else if (verdict == "duplicate")
        ++report.duplicate;
    else if (verdict == "late")
        ++report.late;
    else if (verdict == "conflict")
        ++report.conflict;
    else if (verdict == "cancelled")
        ++report.cancelled;
    else if (verdict == "noted")
        ++report.noted;
    else
        ++report.rejected;
}

}  // namespace

void push_pending_actions(LocalStore& store, GatewayLink& link, const SyncOptions& options,
                          SyncReport& report, const Now& now) {
    for (;;) {
        const auto pending = store.pending_actions(options.batch_size);
        if (pending.empty()) return;
        nlohmann::json actions = nlohmann::json::array();
        for (const auto& p : pending) actions.push_back(nlohmann::json::parse(p.body));
        nlohmann::json body = {{"device_time", now()}, {"actions", std::move(actions)}};
        const auto answer = link.post_json("/v1/sync/actions", body.dump());
        ++report.batches;
        const std::string settled_at = now();
        LocalStore::Transaction tx(store);
        std::size_t settled_now = 0;
        for (const auto& r : answer.value("results", nlohmann::json::array())) {
            const std::string verdict = r.value("verdict", "");
            if (verdict.empty()) continue;
            if (!store.settle_action(r.value("action_id", ""), verdict, r.dump(), settled_at))
                continue;
            ++settled_now;
            count_verdict(report, verdict);
        }
        tx.commit();
        report.settled += settled_now;
        if (settled_now == 0)
            throw Refused(200, "the gateway answered no verdict for the pushed actions");
    }
}

void upload_pending_photos(LocalStore& store, GatewayLink& link, const SyncOptions& options,
                           SyncReport& report) {
    for (const auto& p : store.pending_photos()) {
        auto state = link.get_json("/v1/sync/photos/" + p.sha256);
        std::int64_t offset = state.value("received", std::int64_t{0});
        bool complete = state.value("complete", false);
        int restarts = 0;
        std::ifstream in(p.path, std::ios::binary);
        if (!complete && !in) {
            store.mark_photo_missing(p.sha256);
            continue;
        }
        std::string chunk;
        while (!complete) {
            const auto length = std::min<std::int64_t>(
                static_cast<std::int64_t>(options.photo_chunk_bytes), p.size - offset);
            chunk.resize(static_cast<std::size_t>(length));
            in.clear();
            in.seekg(offset);
            in.read(chunk.data(), length);
            if (in.gcount() != length)
                throw InvalidArgument("photo " + p.path + " changed on disk");
            const auto reply = link.put_chunk(p.sha256, offset, p.size, chunk);
            if (reply.status == 200) {
                offset = reply.body.value("received", offset + length);
                complete = reply.body.value("complete", false);
            } else if (reply.status == 409 && reply.body.contains("received")) {
                offset = reply.body["received"].get<std::int64_t>();  // resume where it is
            } else if (reply.status == 422 &&
                       reply.body.value("type", "").find("photo-hash-mismatch") !=
                           std::string::npos) {
                if (++restarts > 1) {
                    store.mark_photo_corrupt(p.sha256);
                    break;
                }
                offset = 0;
            } else {
                throw Refused(reply.status, "photo upload refused: " + reply.body.dump());
            }
            store.record_photo_progress(p.sha256, offset);
        }
        if (complete) {
            store.mark_photo_complete(p.sha256);
            ++report.photos_uploaded;
        }
    }
}

void pull_assignment_changes(LocalStore& store, GatewayLink& link, SyncReport& report,
                             const Now& now) {
    for (;;) {
        const std::int64_t cursor = std::stoll(store.setting("cursor").value_or("0"));
        const auto page =
            link.get_json("/v1/sync/changes?after=" + std::to_string(cursor) + "&limit=500");
        const auto& items = page.at("items");
        if (items.empty()) return;
        const std::string at = now();
        LocalStore::Transaction tx(store);
        for (const auto& item : items) {
            const auto& view = item.at("work_order");
            if (item.value("change", "") == "unassigned")
                store.remove_assignment(view.value("id", ""));
            else
                store.upsert_assignment(view, at);
            ++report.changes_applied;
        }
        store.put_setting("cursor", std::to_string(page.at("next_cursor").get<std::int64_t>()));
        tx.commit();
    }
}

}  // namespace fieldgate::offline
