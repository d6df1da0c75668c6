// The mapping-file loader on arbitrary mapping.json contents: JSON parse, meta-schema, the
// semantic compile (paths, formats, value maps against the catalog). What loads is then run on
// every golden sample input, so a mapping the loader accepts can never crash the adapter.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "registry.h"

namespace {

std::unique_ptr<fieldgate::VendorLoader> loader;
std::filesystem::path folder;
std::vector<std::string> sample_inputs;

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    using namespace fieldgate;
    loader = std::make_unique<VendorLoader>(LoaderOptions{fuzz::load_catalog(), {}, nullptr});
    folder = fuzz::scratch_dir("mapping") / "fuzz-vendor";
    std::filesystem::create_directories(folder);
    // Mappings may name a payload schema file next to them (Bay Hauling's does).
    for (const auto& vendor :
         std::filesystem::directory_iterator(fuzz::source_root() / "vendor_schemas")) {
        for (const auto& f : std::filesystem::directory_iterator(vendor.path()))
            if (f.path().filename().string().ends_with(".schema.json"))
                std::filesystem::copy_file(f.path(), folder / f.path().filename(),
                                           std::filesystem::copy_options::overwrite_existing);
        const auto samples = vendor.path() / "samples";
        if (!std::filesystem::exists(samples)) continue;
        for (const auto& c : std::filesystem::directory_iterator(samples))
            for (const auto& f : std::filesystem::directory_iterator(c.path()))
                if (f.path().stem() == "input") sample_inputs.push_back(read_all(f.path()));
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    {
        std::ofstream out(folder / "mapping.json", std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    const auto load = loader->load_folder(folder);
    if (!load.vendor && load.errors.empty()) std::abort();  // refused without saying why
    for (const auto& e : load.errors)
        if (e.message.empty()) std::abort();
    if (load.vendor && load.vendor->adapter)
        for (const auto& input : sample_inputs) (void)load.vendor->adapter->normalize(input);
    return 0;
}
