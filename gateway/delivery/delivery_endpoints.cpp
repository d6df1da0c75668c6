#include "delivery_endpoints.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "endpoint_url.h"

namespace fieldgate::delivery {
namespace {

http::ClientTls client_tls(const OutboundTls& tls) {
    return {tls.ca_file, tls.cert_file, tls.key_file};
}

std::string first_value(const SecretStore& secrets, const std::string& name) {
    const auto values = secrets.values(name);
    return values.empty() ? std::string() : values.front();
}

Endpoint crm_endpoint(const GatewayConfig& config, const SecretStore& secrets) {
    if (secrets.values(config.crm_signing_secret).empty())
        throw std::runtime_error("crm.endpoint is set but its signing secret '" +
                                 config.crm_signing_secret + "' is not configured");
    if (!config.crm_bearer_secret.empty() && secrets.values(config.crm_bearer_secret).empty())
        throw std::runtime_error("crm.bearer_secret: the secret '" + config.crm_bearer_secret +
                                 "' is not configured");
    Endpoint e;
    e.name = "crm";
    e.url = config.crm_endpoint;
    e.secret_name = config.crm_signing_secret;
    e.allow_insecure_http = config.crm_allow_insecure_http;
    e.tls = client_tls(config.crm_tls);
    e.proxy = config.outbound_proxy;
    e.no_proxy = config.outbound_no_proxy;
    e.bearer_secret = config.crm_bearer_secret;
    if (config.crm_oauth2) {
        auto client = outbound_options(config);
        client.tls.ca_file = config.crm_tls.ca_file;  // outbound.ca_file unless crm.tls names one
        e.oauth2 = oauth2_source(*config.crm_oauth2, client, secrets);
    }
    return e;
}

}  // namespace

http::ClientOptions outbound_options(const GatewayConfig& config) {
    http::ClientOptions options;
    options.tls.ca_file = config.outbound_ca_file;
    options.proxy = config.outbound_proxy;
    options.no_proxy = config.outbound_no_proxy;
    return options;
}

std::shared_ptr<http::OAuth2TokenSource> oauth2_source(const OAuth2Spec& oauth2,
                                                       http::ClientOptions client,
                                                       const SecretStore& secrets) {
    if (secrets.values(oauth2.client_secret).empty())
        throw std::runtime_error("oauth2 client " + oauth2.client_id + ": the client secret '" +
                                 oauth2.client_secret + "' is not configured");
    std::string error;
    const auto url = http::parse_endpoint_url(oauth2.token_url, error);
    if (!url) throw std::runtime_error("oauth2.token_url: " + error);
    // A token endpoint is never plain HTTP but on this machine: the secret travels in it.
    if (auto refused = http::refuse_plaintext(*url, false, "oauth2.token_url"); !refused.empty())
        throw std::runtime_error(refused);
    http::OAuth2Settings settings;
    settings.token_url = oauth2.token_url;
    settings.client_id = oauth2.client_id;
    settings.auth_method = oauth2.auth_method;
    settings.scope = oauth2.scope;
    settings.audience = oauth2.audience;
    settings.resource = oauth2.resource;
    return std::make_shared<http::OAuth2TokenSource>(
        settings, client,
        [&secrets, name = oauth2.client_secret] { return first_value(secrets, name); });
}

std::vector<Endpoint> delivery_endpoints(const GatewayConfig& config, const VendorRegistry& vendors,
                                         const SecretStore& secrets) {
    std::vector<Endpoint> endpoints;
    if (config.crm_endpoint.empty())
        spdlog::warn("crm.endpoint is not set: CRM events stay in the outbox until it is");
    else
        endpoints.push_back(crm_endpoint(config, secrets));
    for (const auto& id : vendors.ids()) {
        const auto& spec = vendors.find(id)->spec;
        if (!spec.dispatch.push()) continue;
        if (secrets.values(spec.dispatch.secret).empty())
            throw std::runtime_error("vendor " + id +
                                     " takes dispatch pushes but its signing secret '" +
                                     spec.dispatch.secret + "' is not configured");
        Endpoint e;
        e.name = "vendor:" + id;
        e.url = spec.dispatch.push_url;
        e.secret_name = spec.dispatch.secret;
        e.allow_insecure_http = spec.dispatch.allow_insecure_http;
        const auto connection = outbound_options(config);
        e.tls = connection.tls;
        e.proxy = connection.proxy;
        e.no_proxy = connection.no_proxy;
        if (spec.dispatch.oauth2)
            e.oauth2 = oauth2_source(*spec.dispatch.oauth2, connection, secrets);
        endpoints.push_back(std::move(e));
    }
    return endpoints;
}

}  // namespace fieldgate::delivery
