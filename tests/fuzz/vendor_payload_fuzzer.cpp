// One vendor's payload through its real adapter (built per vendor with FUZZ_VENDOR): parsing of
// its format (JSON, SOAP/XML, CSV), the payload schema, the mapping, dates, value maps. The
// adapter promises never to throw on bad input, so any exception is a finding too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "fuzz_support.h"
#include "registry.h"

namespace {
const fieldgate::VendorAdapter* adapter = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    using namespace fieldgate;
    static std::shared_ptr<const VendorRegistry> keep;
    const VendorLoader loader(LoaderOptions{fuzz::load_catalog(), {}, nullptr});
    auto load = loader.load_folder(fuzz::source_root() / "vendor_schemas" / FUZZ_VENDOR);
    if (!load.vendor) {
        for (const auto& e : load.errors) std::cerr << e.to_string() << "\n";
        std::abort();
    }
    auto registry = VendorRegistry::from_entries({*load.vendor});
    keep = registry.registry;
    adapter = keep->find(FUZZ_VENDOR)->adapter.get();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const auto out = adapter->normalize(body);
    // Every refusal says why: an error with no detail would reach the vendor as nothing, and a
    // record neither normalized nor refused would be lost without a trace.
    if (out.payload_error && out.payload_error->detail.empty()) std::abort();
    for (const auto& record : out.records) {
        if (!record.result && record.errors.empty()) std::abort();
        for (const auto& e : record.errors)
            if (e.detail.empty() || e.code.empty()) std::abort();
    }
    return 0;
}
