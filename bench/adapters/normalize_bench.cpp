// How long one vendor payload takes to normalize (parse, schema, mapping), per vendor sample.
// Usage: fieldgate-bench-normalize [iterations]
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "catalog.h"
#include "registry.h"

int main(int argc, char** argv) {
    const int iterations = argc > 1 ? std::stoi(argv[1]) : 20000;
    const std::filesystem::path root = FIELDGATE_SOURCE_ROOT;
    auto catalog = std::make_shared<const fieldgate::Catalog>(
        fieldgate::Catalog::load((root / "gateway/catalog/standard-codes.json").string(),
                                 (root / "gateway/catalog/standard-codes.schema.json").string()));
    fieldgate::VendorLoader loader(fieldgate::LoaderOptions{catalog, {}, nullptr});
    auto loaded = loader.load_all(root / "vendor_schemas");
    for (const auto& [vendor, sample] :
         {std::pair{"bay-hauling", "samples/doc-single/input.json"},
          std::pair{"bay-hauling", "samples/batch/input.json"},
          std::pair{"valley-disposal", "samples/doc-example/input.xml"},
          std::pair{"curbside-coop", "samples/doc-example/input.csv"}}) {
        const auto* entry = loaded.registry->find(vendor);
        const auto path = root / "vendor_schemas" / vendor / sample;
        if (!entry || !std::filesystem::exists(path)) {
            std::cout << vendor << " " << sample << ": not found\n";
            continue;
        }
        std::stringstream body;
        body << std::ifstream(path).rdbuf();
        const std::string payload = body.str();
        std::size_t records = 0;
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < iterations; ++i)
            records += entry->adapter->normalize(payload).records.size();
        const double us =
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count() /
            iterations;
        std::cout << vendor << " " << sample << ": " << us << " us per payload ("
                  << records / iterations << " records, " << payload.size() << " bytes)\n";
    }
}
