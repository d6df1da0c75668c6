#include "fieldgate_offline.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "fieldgate/offline.h"
#include "local_store.h"

struct fg_tablet {
    std::unique_ptr<fieldgate::offline::Tablet> tablet;
    std::string last_error;
};

namespace {

using namespace fieldgate::offline;

// Runs `f`, turning every exception into a code and a message on the handle.
template <typename F>
fg_result guarded(fg_tablet* t, F&& f) {
    if (!t) return FG_ERR_INVALID;
    t->last_error.clear();
    try {
        return f();
    } catch (const InvalidArgument& e) {
        t->last_error = e.what();
        return FG_ERR_INVALID;
    } catch (const Unreachable& e) {
        t->last_error = e.what();
        return FG_ERR_UNREACHABLE;
    } catch (const Refused& e) {
        t->last_error = e.what();
        return FG_ERR_REFUSED;
    } catch (const std::exception& e) {
        t->last_error = e.what();
        return is_storage_failure(e) ? FG_ERR_STORAGE : FG_ERR_INVALID;
    }
}

std::string str(const char* s) {
    return s ? std::string(s) : std::string();
}

}  // namespace

extern "C" {

fg_result fg_tablet_open(const char* db_path, fg_tablet** out) {
    if (!out) return FG_ERR_INVALID;
    *out = nullptr;
    if (!db_path || !*db_path) return FG_ERR_INVALID;
    try {
        auto t = std::make_unique<fg_tablet>();
        t->tablet = std::make_unique<Tablet>(db_path);
        *out = t.release();
        return FG_OK;
    } catch (...) {
        return FG_ERR_STORAGE;
    }
}

void fg_tablet_close(fg_tablet* tablet) {
    delete tablet;
}

const char* fg_tablet_last_error(const fg_tablet* tablet) {
    return tablet ? tablet->last_error.c_str() : "no tablet handle";
}

fg_result fg_tablet_enroll(fg_tablet* t, const char* host, uint16_t port, const char* device_id,
                           const char* token) {
    return guarded(t, [&] {
        t->tablet->enroll(GatewayAddress{str(host), port}, str(device_id), str(token));
        return FG_OK;
    });
}

fg_result fg_tablet_pull(fg_tablet* t, int days, size_t* count) {
    return guarded(t, [&] {
        const auto n = t->tablet->pull(days);
        if (count) *count = n;
        return FG_OK;
    });
}

fg_result fg_tablet_record(fg_tablet* t, const fg_action* a, char* id_out, size_t cap,
                           int64_t* seq_out) {
    return guarded(t, [&] {
        if (!a) throw InvalidArgument("action is NULL");
        ActionInput in;
        in.type = str(a->type);
        in.work_order_id = str(a->work_order_id);
        in.reason = str(a->reason);
        in.detail = str(a->detail);
        if (a->lat) in.lat = *a->lat;
        if (a->lon) in.lon = *a->lon;
        for (size_t i = 0; a->photo_paths && i < a->photo_count; ++i)
            in.photo_paths.push_back(str(a->photo_paths[i]));
        const auto r = t->tablet->record(in);
        if (id_out && cap > 0) {
            std::strncpy(id_out, r.action_id.c_str(), cap - 1);
            id_out[cap - 1] = '\0';
        }
        if (seq_out) *seq_out = r.seq;
        return FG_OK;
    });
}

fg_result fg_tablet_sync(fg_tablet* t, fg_sync_report* out) {
    return guarded(t, [&] {
        const auto r = t->tablet->sync();
        if (out) {
            *out =
                fg_sync_report{r.batches, r.settled,         r.accepted,        r.duplicate,
                               r.late,    r.conflict,        r.cancelled,       r.rejected,
                               r.noted,   r.photos_uploaded, r.changes_applied, r.complete ? 1 : 0};
        }
        if (!r.complete) {
            t->last_error = r.error;
            return FG_ERR_INCOMPLETE;
        }
        return FG_OK;
    });
}

fg_result fg_tablet_status(fg_tablet* t, fg_status_info* out) {
    return guarded(t, [&] {
        if (!out) throw InvalidArgument("out is NULL");
        const auto s = t->tablet->status();
        *out = fg_status_info{s.assignments,    s.pending_actions, s.settled_actions,
                              s.pending_photos, s.cursor,          s.next_seq};
        return FG_OK;
    });
}

char* fg_tablet_assignments_json(fg_tablet* t) {
    char* result = nullptr;
    guarded(t, [&] {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& a : t->tablet->assignments()) {
            list.push_back({{"work_order_id", a.work_order_id},
                            {"crm_case_id", a.crm_case_id},
                            {"address", a.address},
                            {"scheduled_date", a.scheduled_date},
                            {"status", a.status}});
        }
        const std::string text = list.dump();
        result = static_cast<char*>(std::malloc(text.size() + 1));
        if (result) std::memcpy(result, text.c_str(), text.size() + 1);
        return FG_OK;
    });
    return result;
}

void fg_free(void* p) {
    std::free(p);
}

}  // extern "C"
