#include "sync_steps.h"

#include <algorithm>
#include <fstream>

#include "local_store.h"

namespace fieldgate::offline {

void upsert_assignment(sqlite::Connection& db, const nlohmann::json& view, const std::string& now) {
    db.prepare(
          "INSERT INTO assignments (work_order_id, scheduled_date, status, view, updated_at) "
          "VALUES (?,?,?,?,?) ON CONFLICT (work_order_id) DO UPDATE SET scheduled_date = "
          "excluded.scheduled_date, status = excluded.status, view = excluded.view, updated_at = "
          "excluded.updated_at")
        ->bind(1, view.value("id", ""))
        .bind(2, view.value("scheduled_date", ""))
        .bind(3, view.value("status", ""))
        .bind(4, view.dump())
        .bind(5, now)
        .run();
}

void push_pending_actions(sqlite::Connection& db, GatewayLink& link, const SyncOptions& options,
                          SyncReport& report, const Now& now) {
    for (;;) {
        std::vector<std::int64_t> seqs;
        nlohmann::json actions = nlohmann::json::array();
        {
            auto q = db.prepare(
                "SELECT seq, body FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?");
            q->bind(1, static_cast<std::int64_t>(options.batch_size));
            while (q->step()) {
                seqs.push_back(q->integer(0));
                actions.push_back(nlohmann::json::parse(q->text(1)));
            }
        }
        if (seqs.empty()) return;
        nlohmann::json body = {{"device_time", now()}, {"actions", std::move(actions)}};
        const auto answer = link.post_json("/v1/sync/actions", body.dump());
        ++report.batches;
        const std::string settled_at = now();
        LocalTransaction tx(db);
        std::size_t settled_now = 0;
        for (const auto& r : answer.value("results", nlohmann::json::array())) {
            const std::string verdict = r.value("verdict", "");
            if (verdict.empty()) continue;
            db.prepare(
                  "UPDATE outbox SET state = 'settled', verdict = ?, result = ?, settled_at = "
                  "? WHERE action_id = ? AND state = 'pending'")
                ->bind(1, verdict)
                .bind(2, r.dump())
                .bind(3, settled_at)
                .bind(4, r.value("action_id", ""))
                .run();
            if (db.changes() == 0) continue;
            ++settled_now;
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
        tx.commit();
        report.settled += settled_now;
        if (settled_now == 0)
            throw Refused(200, "the gateway answered no verdict for the pushed actions");
    }
}

void upload_pending_photos(sqlite::Connection& db, GatewayLink& link, const SyncOptions& options,
                           SyncReport& report) {
    struct Pending {
        std::string sha;
        std::string path;
        std::int64_t size;
    };
    std::vector<Pending> pending;
    {
        auto q = db.prepare("SELECT sha256, path, size FROM photos WHERE state = 'pending'");
        while (q->step()) pending.push_back({q->text(0), q->text(1), q->integer(2)});
    }
    for (const auto& p : pending) {
        auto state = link.get_json("/v1/sync/photos/" + p.sha);
        std::int64_t offset = state.value("received", std::int64_t{0});
        bool complete = state.value("complete", false);
        int restarts = 0;
        std::ifstream in(p.path, std::ios::binary);
        if (!complete && !in) {
            db.prepare("UPDATE photos SET state = 'missing' WHERE sha256 = ?")
                ->bind(1, p.sha)
                .run();
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
            const auto reply = link.put_chunk(p.sha, offset, p.size, chunk);
            if (reply.status == 200) {
                offset = reply.body.value("received", offset + length);
                complete = reply.body.value("complete", false);
            } else if (reply.status == 409 && reply.body.contains("received")) {
                offset = reply.body["received"].get<std::int64_t>();  // resume where it is
            } else if (reply.status == 422 &&
                       reply.body.value("type", "").find("photo-hash-mismatch") !=
                           std::string::npos) {
                if (++restarts > 1) {
                    db.prepare("UPDATE photos SET state = 'corrupt' WHERE sha256 = ?")
                        ->bind(1, p.sha)
                        .run();
                    break;
                }
                offset = 0;
            } else {
                throw Refused(reply.status, "photo upload refused: " + reply.body.dump());
            }
            db.prepare("UPDATE photos SET uploaded = ? WHERE sha256 = ?")
                ->bind(1, offset)
                .bind(2, p.sha)
                .run();
        }
        if (complete) {
            db.prepare("UPDATE photos SET state = 'complete', uploaded = size WHERE sha256 = ?")
                ->bind(1, p.sha)
                .run();
            ++report.photos_uploaded;
        }
    }
}

void pull_assignment_changes(sqlite::Connection& db, GatewayLink& link, SyncReport& report,
                             const Now& now) {
    for (;;) {
        const std::int64_t cursor = std::stoll(get_setting(db, "cursor").value_or("0"));
        const auto page =
            link.get_json("/v1/sync/changes?after=" + std::to_string(cursor) + "&limit=500");
        const auto& items = page.at("items");
        if (items.empty()) return;
        const std::string at = now();
        LocalTransaction tx(db);
        for (const auto& item : items) {
            const auto& view = item.at("work_order");
            if (item.value("change", "") == "unassigned") {
                db.prepare("DELETE FROM assignments WHERE work_order_id = ?")
                    ->bind(1, view.value("id", ""))
                    .run();
            } else {
                upsert_assignment(db, view, at);
            }
            ++report.changes_applied;
        }
        put_setting(db, "cursor", std::to_string(page.at("next_cursor").get<std::int64_t>()));
        tx.commit();
    }
}

}  // namespace fieldgate::offline
