// What a vendor folder says about transport, authentication and answers (the non-mapping part
// of vendor_schemas/<vendor>/mapping.json). Parsed by the registry; consumed by the gateway.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rate_limit.h"

namespace fieldgate {

struct SignatureSpec {
    std::string scheme = "hmac-sha256";
    bool required = false;         // when false, a signature that is present is still verified
    std::string secret;            // secret name, resolved by the gateway's secret store
    std::string timestamp_header;  // e.g. X-BH-Timestamp (unix seconds)
    std::string signature_header;  // e.g. X-BH-Signature
    std::string prefix;            // e.g. "sha256="
    std::string signed_template = "{timestamp}.{body}";
    int replay_window_s = 300;
};

// The TLS client certificate a vendor must present (issue 16): pinned by the SHA-256 of its DER
// (any issuer, self-signed too), or named by subject (then its chain must verify against the
// listener's client_ca_file). Exactly one of sha256 and subject is set.
struct ClientCertificateSpec {
    std::string sha256;     // lower-case hex, no colons
    std::string subject;    // RFC 2253, e.g. "CN=bay-hauling,O=Bay Hauling"
    bool with_key = false;  // true: the vendor's key / password is needed as well
};

struct AuthSpec {
    std::string scheme;    // bearer | api_key_header | wsse_username_token
    std::string header;    // api_key_header: the header name
    std::string username;  // wsse_username_token: the expected user name
    std::string secret;    // secret name of the key / password
    std::optional<SignatureSpec> signature;
    std::optional<ClientCertificateSpec> client_certificate;
    // The certificate alone authenticates: the key / password is not asked for.
    bool certificate_only() const { return client_certificate && !client_certificate->with_key; }
};

struct ResponseSpec {
    std::string style;           // json_report | soap | csv_report
    std::string soap_element;    // soap: e.g. NotifyEventUpdatedResponse
    std::string soap_namespace;  // soap: e.g. http://valleydisposal.example/ens
};

// How work orders reach the vendor: it pulls its feed (GET /v1/vendors/<id>/work-orders with a
// cursor), or the gateway pushes each change to push_url, signed with `secret`.
// OAuth 2.0 client credentials towards a vendor's API; `client_secret` is a secret name.
struct OAuth2Spec {
    std::string token_url;
    std::string client_id;
    std::string client_secret;
    std::string auth_method = "client_secret_basic";
    std::string scope;
    std::string audience;
    std::string resource;
};

struct DispatchSpec {
    std::string mode = "pull";         // pull | push
    std::string push_url;              // push: https://host[:port]/path
    bool allow_insecure_http = false;  // push_url may be plain http:// to another machine
    std::string push_host;             // push_url taken apart when the folder loads
    std::uint16_t push_port = 80;
    std::string push_target;           // path and query, "/" at least
    std::string secret;                // push: secret name of the signing key
    std::optional<OAuth2Spec> oauth2;  // push: an access token on each push too
    bool push() const { return mode == "push"; }
};

// One header of poll auth scheme `headers`: its value is a secret's, or a literal.
struct PollHeaderSpec {
    std::string name;
    std::string secret;  // secret name; empty when `value` is the literal value
    std::string value;
};

// How the gateway fetches results from a vendor that does not push them: the `poll` block of
// mapping.json. Each page the vendor's API answers is one payload for the mapping, stored through
// the same pipeline as a pushed one; where polling stopped is committed with the page.
struct PollSpec {
    std::string url;                   // https://host[:port]/path[?fixed=query]
    bool allow_insecure_http = false;  // url may be plain http:// to another machine
    std::string host;
    std::uint16_t port = 80;
    std::string target;  // path and fixed query
    // none | bearer | api_key_header | oauth2 | headers | basic
    std::string auth_scheme = "none";
    std::optional<OAuth2Spec> oauth2;  // scheme oauth2
    std::string auth_header;           // api_key_header: the header carrying the key
    std::string secret;  // secret name of the key the gateway sends (basic: the password)
    std::vector<PollHeaderSpec> auth_headers;  // scheme headers, in the order given
    std::string username;                      // basic: a literal user name, or
    std::string username_secret;               // basic: the secret holding it
    int interval_s = 60;  // the least time between two requests to the vendor, pages included
    int timeout_ms = 10000;
    std::string mode;  // window | cursor
    // window: [since, until) of the vendor's modification time, the next window starting
    // overlap_s before the previous one ended (late writes at the vendor are not missed;
    // the content hashes make the repeats duplicates).
    std::string since_param;
    std::string until_param;              // empty: the vendor's API takes no upper bound
    std::string time_format = "iso8601";  // iso8601 (UTC, ms) | unix_seconds
    int overlap_s = 300;
    int initial_lookback_s = 86400;
    // cursor: the vendor hands out an opaque position with every page
    std::string cursor_param;
    std::string cursor_pointer;  // JSON pointer of the next cursor in a page
    std::string cursor_initial;  // sent the very first time; empty = parameter left out
    // pagination inside a window: a next link, or a page token sent back as a parameter
    std::string next_link_pointer;
    std::string page_token_pointer;
    std::string page_token_param;
    std::string page_size_param;  // empty: none sent
    int page_size = 100;
    bool window() const { return mode == "window"; }
};

// Every secret name the poll block refers to (for `vendor check` and the poller's "is it
// configured" test), in the order the block names them, without repeats.
inline std::vector<std::string> poll_secret_names(const PollSpec& spec) {
    std::vector<std::string> names;
    auto add = [&](const std::string& name) {
        if (name.empty()) return;
        for (const auto& n : names)
            if (n == name) return;
        names.push_back(name);
    };
    if (spec.oauth2) add(spec.oauth2->client_secret);
    add(spec.username_secret);
    add(spec.secret);
    for (const auto& h : spec.auth_headers) add(h.secret);
    return names;
}

struct VendorSpec {
    std::string id;               // folder name == registry key == vendor_id
    std::string name;             // display name
    std::string status;           // pilot | stable | deprecated
    std::string format;           // json | xml | csv
    std::string folder;           // absolute or config-relative path of the vendor folder
    std::string mapping_path;     // .../mapping.json
    std::string mapping_version;  // "<declared version>+<first 8 hex of sha256(mapping.json)>"
    std::string time_zone;        // IANA zone for local times
    std::vector<std::string> content_types;  // accepted media types, lower case, no parameters
    // The vendor's limits, both from the `transport` block: a larger body is refused 413; more
    // requests than the rate (counted once the vendor authenticated) are answered 429. No
    // rate_limit: the gateway's default (vendor_rate_limit in gateway.json).
    std::size_t max_body_bytes = 1 << 20;
    std::optional<RateLimit> rate_limit;
    AuthSpec auth;
    ResponseSpec response;
    // Resident fields (name, phone, email) this vendor may see; none when the file lists none.
    std::vector<std::string> customer_fields_allowed;
    DispatchSpec dispatch;
    std::optional<PollSpec> poll;  // set for vendors whose API the gateway polls
};

}  // namespace fieldgate
