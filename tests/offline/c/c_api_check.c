/* The C API exercised from C: compiled as C99, called by c_api_test.cpp with a real gateway. */
#include "c_api_check.h"

#include <stdio.h>
#include <string.h>

#include "fieldgate_offline.h"

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            snprintf(failure, failure_cap, "%s:%d: %s", __FILE__, __LINE__, #cond); \
            goto done;                                                              \
        }                                                                           \
    } while (0)

int fg_c_api_check(const char* db_path, const char* host, unsigned short port,
                   const char* device_id, const char* token, const char* work_order_id,
                   const char* photo_path, char* failure, size_t failure_cap) {
    int ok = 0;
    fg_tablet* t = NULL;
    fg_status_info info;
    fg_sync_report report;
    char action_id[64];
    int64_t seq = 0;
    size_t n = 0;
    char* json = NULL;
    double lat = 37.3377, lon = -121.8863;
    const char* photos[1];
    fg_action action;

    CHECK(fg_tablet_open(NULL, &t) == FG_ERR_INVALID && t == NULL);
    CHECK(fg_tablet_sync(NULL, &report) == FG_ERR_INVALID);
    CHECK(fg_tablet_open(db_path, &t) == FG_OK && t != NULL);
    CHECK(fg_tablet_pull(t, 3, &n) == FG_ERR_INVALID); /* not enrolled */
    CHECK(strstr(fg_tablet_last_error(t), "not enrolled") != NULL);
    CHECK(fg_tablet_enroll(t, host, port, device_id, "wrong-token") == FG_ERR_REFUSED);
    CHECK(fg_tablet_enroll(t, host, port, device_id, token) == FG_OK);
    CHECK(fg_tablet_pull(t, 3, &n) == FG_OK && n == 1);
    json = fg_tablet_assignments_json(t);
    CHECK(json != NULL && strstr(json, work_order_id) != NULL);

    memset(&action, 0, sizeof action);
    action.type = "not_collected";
    action.work_order_id = work_order_id;
    CHECK(fg_tablet_record(t, &action, action_id, sizeof action_id, &seq) == FG_ERR_INVALID);
    action.reason = "NOT_SET_OUT";
    action.lat = &lat;
    action.lon = &lon;
    photos[0] = photo_path;
    action.photo_paths = photos;
    action.photo_count = 1;
    CHECK(fg_tablet_record(t, &action, action_id, sizeof action_id, &seq) == FG_OK);
    CHECK(seq == 1 && action_id[0] != '\0');
    CHECK(fg_tablet_status(t, &info) == FG_OK && info.pending_actions == 1 &&
          info.pending_photos == 1);
    CHECK(fg_tablet_sync(t, &report) == FG_OK && report.complete == 1);
    CHECK(report.accepted == 1 && report.photos_uploaded == 1);
    CHECK(fg_tablet_status(t, &info) == FG_OK && info.pending_actions == 0 &&
          info.settled_actions == 1 && info.pending_photos == 0);
    ok = 1;
done:
    fg_free(json);
    fg_tablet_close(t);
    return ok;
}
