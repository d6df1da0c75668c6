#include "store_config.h"

#include <stdexcept>

namespace fieldgate {

store::StoreSettings store_settings(const GatewayConfig& config, const SecretStore& secrets) {
    store::StoreSettings settings;
    settings.sqlite_path = config.store_path;
    settings.synchronous = config.synchronous;
    settings.checkpoint_every = std::chrono::milliseconds(config.checkpoint_interval_ms);
    settings.url = config.store_url;
    settings.answer_timeout = std::chrono::seconds(config.store_answer_timeout_s);
    if (!settings.url.empty()) {
        const auto passwords = secrets.values(config.store_password_secret);
        if (passwords.empty())
            throw std::runtime_error("store.url is set but the secret '" +
                                     config.store_password_secret + "' is not configured");
        settings.password = passwords.front();
    }
    return settings;
}

store::StoreSettings store_settings(const GatewayConfig& config) {
    return store_settings(config, SecretStore(config.secrets_dir, config.secrets_env_prefix));
}

}  // namespace fieldgate
