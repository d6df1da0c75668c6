// Raw bytes on a socket to the real gateway in this process (fuzz_gateway.h): Beast's parser and
// our session (limits, timeouts, keep-alive, pipelining), the router, CRM and vendor
// authentication, the vendor adapters and the store writer. The seeds are well-formed requests
// for every route with valid credentials, so mutations reach past authentication.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_gateway.h"

namespace {
std::uint16_t port = 0;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    port = fieldgate::fuzz::start_gateway("http");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    fieldgate::fuzz::check_reply(fieldgate::fuzz::exchange(port, input));
    return 0;
}
