#include "sample_check.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "result_json.h"

namespace fieldgate {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The engine words an unmapped code as "... value '<code>' is not a code the city knows ...".
std::string quoted_value(const std::string& detail) {
    constexpr std::string_view kStart = " value '";
    constexpr std::string_view kEnd = "' is not a code";
    const auto start = detail.find(kStart);
    if (start == std::string::npos) return {};
    const auto from = start + kStart.size();
    const auto end = detail.find(kEnd, from);
    return end == std::string::npos ? std::string() : detail.substr(from, end - from);
}

// An unmapped-code error lists the codes the city knows "(known: A, B). Send one of the known
// codes ...". A sample keeps the error it expects, not that list: mapping one more code must not
// break the samples of other unknown codes (and so refuse the very reload that fixes a vendor).
std::string without_known_codes(std::string text) {
    constexpr std::string_view kStart = "(known: ";
    constexpr std::string_view kEnd = "). Send one of the known codes";
    for (auto at = text.find(kStart); at != std::string::npos; at = text.find(kStart, at + 1)) {
        const auto end = text.find(kEnd, at);
        if (end == std::string::npos) break;
        text.replace(at + kStart.size(), end - at - kStart.size(), "...");
    }
    return text;
}

std::string shortened(std::string text) {
    constexpr std::size_t kMax = 120;
    if (text.size() > kMax) text = text.substr(0, kMax) + "...";
    return text;
}

// "<pointer>: expected X, normalized Y" for the first few differences (RFC 6902 from
// nlohmann::json::diff); the first pointer is kept for the error's pointer.
void describe_json_difference(const nlohmann::json& expected, const nlohmann::json& actual,
                              SampleRun& run) {
    constexpr std::size_t kShown = 3;
    const auto patch = nlohmann::json::diff(expected, actual);
    std::string text;
    for (std::size_t i = 0; i < patch.size() && i < kShown; ++i) {
        const auto& op = patch[i];
        const auto path = op.at("path").get<std::string>();
        const nlohmann::json::json_pointer at(path);
        const auto before = expected.contains(at) ? shortened(expected.at(at).dump()) : "nothing";
        const auto after = op.contains("value") ? shortened(op.at("value").dump()) : "nothing";
        if (!text.empty()) text += "; ";
        text += (path.empty() ? std::string("/") : path) + ": expected " + before +
                ", normalized " + after;
        if (i == 0) run.differs_pointer = path;
    }
    if (patch.size() > kShown)
        text += "; and " + std::to_string(patch.size() - kShown) + " more difference(s)";
    run.differs = text;
}

void describe_line_difference(const std::string& expected, const std::string& actual,
                              SampleRun& run) {
    std::istringstream e(expected);
    std::istringstream a(actual);
    for (int line = 1;; ++line) {
        std::string want;
        std::string got;
        const bool more_e = static_cast<bool>(std::getline(e, want));
        const bool more_a = static_cast<bool>(std::getline(a, got));
        if (!more_e && !more_a) return;
        if (more_e && more_a && want == got) continue;
        // From a little before the first character that differs, so a long line shows it.
        std::size_t column = 0;
        while (column < want.size() && column < got.size() && want[column] == got[column]) ++column;
        const auto from = column > 40 ? column - 40 : 0;
        auto excerpt = [from](const std::string& text) {
            return "'" + std::string(from > 0 ? "..." : "") + shortened(text.substr(from)) + "'";
        };
        run.differs = "line " + std::to_string(line) + ", column " + std::to_string(column + 1) +
                      ": expected " + (more_e ? excerpt(want) : "nothing") + ", normalized " +
                      (more_a ? excerpt(got) : "nothing");
        return;
    }
}

}  // namespace

std::string SampleFailure::to_string() const {
    return "sample '" + sample + "' of " + folder + " no longer matches " + expected_file + ": " +
           (differs.empty() ? problem : differs);
}

std::vector<SampleFailure> failing_samples(const std::string& vendor, const VendorAdapter& adapter,
                                           const fs::path& vendor_folder) {
    std::vector<SampleFailure> out;
    for (const auto& sample : list_samples(vendor_folder)) {
        if (sample.expected_json.empty() && sample.expected_err.empty()) continue;
        const auto run = run_sample(adapter, sample);
        if (run.pass) continue;
        const auto& file =
            sample.expected_json.empty() ? sample.expected_err : sample.expected_json;
        out.push_back(SampleFailure{vendor, vendor_folder.string(), sample.name, file.string(),
                                    run.problem, run.differs, run.differs_pointer});
    }
    return out;
}

std::vector<SampleCase> list_samples(const fs::path& vendor_folder) {
    std::vector<SampleCase> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(vendor_folder / "samples", ec)) {
        if (!e.is_directory()) continue;
        SampleCase c;
        c.name = e.path().filename().string();
        c.folder = e.path();
        for (const auto& f : fs::directory_iterator(e.path())) {
            if (f.is_regular_file() && f.path().stem() == "input") c.input = f.path();
        }
        if (fs::is_regular_file(c.folder / "expected.json"))
            c.expected_json = c.folder / "expected.json";
        if (fs::is_regular_file(c.folder / "expected.err"))
            c.expected_err = c.folder / "expected.err";
        out.push_back(std::move(c));
    }
    std::sort(out.begin(), out.end(),
              [](const SampleCase& a, const SampleCase& b) { return a.name < b.name; });
    return out;
}

bool output_has_results(const NormalizeOutput& out) {
    if (out.payload_error) return false;
    // An empty page (a polled vendor with nothing new) is a result too: no records, no error.
    return out.records.empty() || std::any_of(out.records.begin(), out.records.end(),
                                              [](const RecordResult& r) { return r.ok(); });
}

std::string expected_json_text(const NormalizeOutput& out) {
    return to_json(out).dump(2) + "\n";
}

std::string expected_err_text(const NormalizeOutput& out) {
    return error_lines(out);
}

std::vector<UnmappedCode> unmapped_codes(const NormalizeOutput& out, const std::string& sample) {
    std::vector<UnmappedCode> found;
    auto take = [&](const RecordError& e) {
        if (e.code == "unmapped_code")
            found.push_back(UnmappedCode{sample, e.field, e.pointer, quoted_value(e.detail)});
    };
    if (out.payload_error) take(*out.payload_error);
    for (const auto& r : out.records) {
        for (const auto& e : r.errors) take(e);
    }
    return found;
}

SampleRun run_sample(const VendorAdapter& adapter, const SampleCase& sample) {
    SampleRun run;
    run.sample = sample;
    if (sample.input.empty()) {
        run.problem = "no input.* file in " + sample.folder.string() +
                      "; put the vendor's payload there as input.json, input.xml or input.csv";
        return run;
    }
    run.output = adapter.normalize(read_text(sample.input));
    run.unmapped = unmapped_codes(run.output, sample.name);
    if (!sample.expected_json.empty()) {
        run.actual = expected_json_text(run.output);
        const auto text = read_text(sample.expected_json);
        const auto expected = nlohmann::json::parse(text, nullptr, false);
        if (expected.is_discarded()) {
            run.expected = text;
            run.problem = sample.expected_json.string() +
                          " is not valid JSON; fix it or delete it "
                          "and write it again from the output";
            return run;
        }
        run.expected = expected.dump(2) + "\n";
        run.pass = without_known_codes(run.actual) == without_known_codes(run.expected);
        if (!run.pass) {
            run.problem = "the normalized result differs from " + sample.expected_json.string();
            describe_json_difference(expected, nlohmann::json::parse(run.actual), run);
        }
    } else if (!sample.expected_err.empty()) {
        run.actual = expected_err_text(run.output);
        run.expected = read_text(sample.expected_err);
        run.pass = !run.actual.empty() &&
                   without_known_codes(run.actual) == without_known_codes(run.expected);
        if (run.actual.empty())
            run.problem = "the payload normalized without errors, but " +
                          sample.expected_err.string() + " expects it to be refused";
        else if (!run.pass)
            run.problem = "the errors differ from " + sample.expected_err.string();
        if (!run.pass) describe_line_difference(run.expected, run.actual, run);
    } else {
        run.actual = output_has_results(run.output) ? expected_json_text(run.output)
                                                    : expected_err_text(run.output);
        run.problem = "no expected.json or expected.err in " + sample.folder.string() +
                      "; review the output below and save it as the expected file";
    }
    return run;
}

}  // namespace fieldgate
