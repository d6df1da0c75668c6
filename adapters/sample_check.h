// Golden cases of one vendor folder (STYLE.md 9): samples/<case>/input.* with expected.json
// (the normalized output) or expected.err (one line per error). Run by the golden-sample test
// and by `fieldgate vendor check`, so both judge a sample the same way.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "adapter.h"

namespace fieldgate {

struct SampleCase {
    std::string name;                     // the case folder's name
    std::filesystem::path folder;         // samples/<case>
    std::filesystem::path input;          // input.*; empty when the case has none
    std::filesystem::path expected_json;  // set when expected.json exists
    std::filesystem::path expected_err;   // set when expected.err exists
};

// A vendor code a sample used that the mapping does not know.
struct UnmappedCode {
    std::string sample;
    std::string field;    // the vendor's field name
    std::string pointer;  // where in the input
    std::string value;
};

struct SampleRun {
    SampleCase sample;
    NormalizeOutput output;
    std::string actual;    // what the adapter produced, in the form of the expected file
    std::string expected;  // the expected file's content (expected.json re-dumped), or ""
    bool pass = false;
    std::string problem;  // why it did not pass, a sentence; "" when it passed
    // What differs, briefly: the JSON pointers where expected.json and the output part (the
    // first few), or the first line that differs from expected.err; "" when it passed.
    std::string differs;
    std::string differs_pointer;  // expected.json: the first differing pointer
    std::vector<UnmappedCode> unmapped;
};

// samples/<case>/ folders of a vendor folder, sorted by name; empty when there are none.
std::vector<SampleCase> list_samples(const std::filesystem::path& vendor_folder);

// Normalizes the case's input and compares it with its expected file.
SampleRun run_sample(const VendorAdapter& adapter, const SampleCase& sample);

// A golden sample (one with an expected file) that the vendor's mapping no longer reproduces.
struct SampleFailure {
    std::string vendor;
    std::string folder;
    std::string sample;
    std::string expected_file;
    std::string problem;
    std::string differs;
    std::string pointer;  // in expected_file, when known
    std::string to_string() const;
};

// Runs every golden sample of the folder; a case without an expected file is not golden yet
// (`vendor check` reports it) and is left out.
std::vector<SampleFailure> failing_samples(const std::string& vendor, const VendorAdapter& adapter,
                                           const std::filesystem::path& vendor_folder);

// The text a case's expected file would hold for `out`: expected.json when any record
// normalized (or the payload held none and no error), else expected.err.
bool output_has_results(const NormalizeOutput& out);
std::string expected_json_text(const NormalizeOutput& out);
std::string expected_err_text(const NormalizeOutput& out);

// Unmapped vendor codes in `out` (RecordError code "unmapped_code").
std::vector<UnmappedCode> unmapped_codes(const NormalizeOutput& out, const std::string& sample);

}  // namespace fieldgate
