#include "http_basic.h"

#include <openssl/evp.h>

#include <vector>

namespace fieldgate {

std::string basic_authorization(const std::string& user, const std::string& password) {
    const auto pair = user + ":" + password;
    std::vector<unsigned char> out(4 * ((pair.size() + 2) / 3) + 1);
    const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(pair.data()),
                                  static_cast<int>(pair.size()));
    return "Basic " +
           std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
}

}  // namespace fieldgate
