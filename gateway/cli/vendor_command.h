// `fieldgate vendor check <folder>` and `fieldgate vendor try <vendor> <payload file>`: what
// integration staff run before a vendor folder goes live (docs/onboarding.md).
#pragma once

#include <ostream>
#include <string>

namespace fieldgate {

struct VendorCommandArgs {
    std::string config_path;  // optional: catalog, meta-schema, vendor_schemas and secrets from it
    std::string folder;       // check: the vendor folder
    std::string vendor;       // try: a vendor id under vendor_schemas, or a folder path
    std::string payload;      // try: the payload file
    bool json = false;        // try: only the normalized JSON on stdout
    // try: write the payload's expected.json (or expected.err when nothing normalized) beside
    // it, for a new golden case; refuses to overwrite one.
    bool write_expected = false;
};

// Exit codes: 0 the folder is ready; 1 problems found (each printed with what to do);
// 2 the command cannot run (no such folder, unreadable config).
int vendor_check(const VendorCommandArgs& args, std::ostream& out);
// Exit codes: 0 every record normalized; 1 the payload or a record was refused (each error
// printed); 2 the vendor's mapping does not load, or the files cannot be read.
int vendor_try(const VendorCommandArgs& args, std::ostream& out);

}  // namespace fieldgate
