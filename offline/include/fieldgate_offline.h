/* fieldgate_offline C API: the crew tablet library for apps written in other languages.
 * Opaque handle, error codes, no exceptions across the boundary. Every function is safe to
 * call with a NULL handle (it answers FG_ERR_INVALID). Strings are UTF-8, NUL-terminated. */
#ifndef FIELDGATE_OFFLINE_H
#define FIELDGATE_OFFLINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fg_tablet fg_tablet;

typedef enum fg_result {
    FG_OK = 0,
    FG_ERR_INVALID = 1,     /* bad argument: see fg_tablet_last_error */
    FG_ERR_STORAGE = 2,     /* the tablet database failed */
    FG_ERR_UNREACHABLE = 3, /* no connection / connection lost: try later */
    FG_ERR_REFUSED = 4,     /* the gateway refused (credentials, request) */
    FG_ERR_INCOMPLETE = 5   /* sync stopped part way; what was done is kept */
} fg_result;

typedef struct fg_action {
    const char* type;          /* arrived | completed | partial | not_collected | note */
    const char* work_order_id; /* required */
    const char* reason;        /* catalog reason code, or NULL */
    const char* detail;        /* free text, or NULL */
    const double* lat;         /* NULL when unknown */
    const double* lon;
    const char* const* photo_paths; /* photo_count file paths, or NULL */
    size_t photo_count;
} fg_action;

typedef struct fg_sync_report {
    size_t batches, settled, accepted, duplicate, late, conflict, cancelled, rejected, noted;
    size_t photos_uploaded, changes_applied;
    int complete; /* 1 when everything was pushed, uploaded and pulled */
} fg_sync_report;

typedef struct fg_status_info {
    size_t assignments, pending_actions, settled_actions, pending_photos;
    int64_t cursor, next_seq;
} fg_status_info;

/* Opens or creates the tablet database. On failure *out is NULL and the code says why. */
fg_result fg_tablet_open(const char* db_path, fg_tablet** out);
void fg_tablet_close(fg_tablet* tablet);
/* The message of the last failed call on this handle ("" when none); owned by the handle. */
const char* fg_tablet_last_error(const fg_tablet* tablet);

fg_result fg_tablet_enroll(fg_tablet* tablet, const char* host, uint16_t port,
                           const char* device_id, const char* enrollment_token);
fg_result fg_tablet_pull(fg_tablet* tablet, int days, size_t* assignments_out);
/* Records one action durably. action_id_out (capacity cap, may be NULL) gets its id. */
fg_result fg_tablet_record(fg_tablet* tablet, const fg_action* action, char* action_id_out,
                           size_t cap, int64_t* seq_out);
fg_result fg_tablet_sync(fg_tablet* tablet, fg_sync_report* report_out);
fg_result fg_tablet_status(fg_tablet* tablet, fg_status_info* out);
/* The assignments as a JSON array; free with fg_free. NULL on failure. */
char* fg_tablet_assignments_json(fg_tablet* tablet);
void fg_free(void* p);

#ifdef __cplusplus
}
#endif

#endif /* FIELDGATE_OFFLINE_H */
