// The store a gateway or a staff command opens, from its configuration: the SQLite file, or
// PostgreSQL (store.url) with the password from the secret store.
#pragma once

#include "config.h"
#include "secrets.h"
#include "store_factory.h"

namespace fieldgate {

// Throws when store.url is set but its password secret is not configured.
store::StoreSettings store_settings(const GatewayConfig& config, const SecretStore& secrets);
// The same with the configuration's own secret store (staff commands).
store::StoreSettings store_settings(const GatewayConfig& config);

}  // namespace fieldgate
