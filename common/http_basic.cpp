#include "http_basic.h"

#include "base64_codec.h"

namespace fieldgate {

std::string basic_authorization(const std::string& user, const std::string& password) {
    return "Basic " + base64_encode(user + ":" + password);
}

}  // namespace fieldgate
