// The three steps of a tablet's sync, in the order Tablet::sync runs them: push the pending
// actions, upload the pending photos, pull the assignment changes. Each commits what it settled
// to the tablet's own store as it goes, so a cut connection loses nothing.
#pragma once

#include <functional>
#include <string>

#include "fieldgate/offline.h"
#include "gateway_link.h"
#include "local_store.h"

namespace fieldgate::offline {

using Now = std::function<std::string()>;  // the device clock as RFC 3339

// Every pending action, in device order, in batches; each verdict settles its outbox row.
void push_pending_actions(LocalStore& store, GatewayLink& link, const SyncOptions& options,
                          SyncReport& report, const Now& now);
// Every pending photo, in chunks, resuming where the gateway says it stands.
void upload_pending_photos(LocalStore& store, GatewayLink& link, const SyncOptions& options,
                           SyncReport& report);
// The change feed from the stored cursor until it is empty.
void pull_assignment_changes(LocalStore& store, GatewayLink& link, SyncReport& report,
                             const Now& now);

}  // namespace fieldgate::offline
