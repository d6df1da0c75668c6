// HTTP Basic credentials (RFC 7617), for the poller's requests and the simulators that check them.
#pragma once

#include <string>

namespace fieldgate {

// "Basic " + base64(user ":" password).
std::string basic_authorization(const std::string& user, const std::string& password);

}  // namespace fieldgate
