// A delivery destination: the CRM, or a vendor that takes dispatch pushes, with how to reach
// it (TLS, proxy) and how to authenticate (a static bearer key or OAuth 2.0 client credentials,
// on top of the Standard Webhooks signature every event carries).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "http_client.h"
#include "oauth2_token_source.h"

namespace fieldgate::delivery {

struct Endpoint {
    std::string name;  // outbox destination: "crm" or "vendor:<id>"
    std::string url;
    std::string secret_name;  // signing secrets (Standard Webhooks), from the secret store
    bool allow_insecure_http = false;
    http::ClientTls tls;
    std::optional<std::string> proxy;  // nullopt: from the environment (ClientOptions)
    std::string no_proxy;
    std::string bearer_secret;  // a static key's secret name; empty: none
    std::shared_ptr<http::OAuth2TokenSource> oauth2;
};

}  // namespace fieldgate::delivery
