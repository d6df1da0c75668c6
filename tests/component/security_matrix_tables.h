// The security tests' tables (security_matrix_test.cpp, security_secrets_test.cpp): every
// vendor, every party's credential and every form a request can carry one in. A new vendor is
// a line in kVendors (and vendor_calls.h).
#pragma once

#include <string>
#include <vector>

#include "support/gateway_process.h"
#include "support/vendor_calls.h"

namespace fieldgate::test {

// Every vendor folder shipped; Riverbend has no credentials configured (nobody gets in).
inline const std::vector<std::string> kVendors = {"bay-hauling", "valley-disposal", "curbside-coop",
                                                  "riverbend-recycling"};
// The vendors that call the gateway with credentials of their own.
inline const std::vector<std::string> kCallingVendors = {"bay-hauling", "valley-disposal",
                                                         "curbside-coop"};

struct Credential {
    std::string owner;  // a vendor id, "crm" or "admin"
    std::string value;
};

inline std::vector<Credential> credentials(const Secrets& s) {
    return {{"bay-hauling", s.bay},
            {"valley-disposal", s.valley},
            {"curbside-coop", s.curbside},
            {"crm", s.crm},
            {"admin", s.admin}};
}

// Every way a request carries a credential: the headers of each scheme, and the SOAP
// UsernameToken inside a body (which only a SOAP vendor's results route reads).
enum class Form { bearer, api_key, basic, wsse };
inline const std::vector<Form> kForms = {Form::bearer, Form::api_key, Form::basic, Form::wsse};

inline std::string form_name(Form f) {
    switch (f) {
        case Form::bearer:
            return "Bearer";
        case Form::api_key:
            return "X-Api-Key";
        case Form::basic:
            return "Basic";
        case Form::wsse:
            return "UsernameToken";
    }
    return "?";
}

inline sim::HeaderList headers_for(Form f, const std::string& value) {
    switch (f) {
        case Form::bearer:
            return {{"Authorization", "Bearer " + value}};
        case Form::api_key:
            return {{"X-Api-Key", value}};
        case Form::basic:
            return {{"Authorization", basic_auth(kValleyUser, value)}};
        case Form::wsse:
            return {};
    }
    return {};
}

struct Order {
    std::string sr;
    std::string id;
};

}  // namespace fieldgate::test
