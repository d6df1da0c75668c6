#include "vendor_command.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "config.h"
#include "conventions.h"
#include "endpoint_url.h"
#include "json_position.h"
#include "registry.h"
#include "result_json.h"
#include "sample_check.h"
#include "secrets.h"
#include "text_diff.h"

namespace fieldgate {

namespace fs = std::filesystem;

namespace {

constexpr int kReady = 0;
constexpr int kProblems = 1;
constexpr int kCannotRun = 2;

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

VendorLoader make_loader(const GatewayConfig& c) {
    auto catalog =
        std::make_shared<const Catalog>(Catalog::load(c.catalog_path, c.catalog_schema_path));
    return VendorLoader(LoaderOptions{std::move(catalog), c.mapping_schema_path, nullptr});
}

// "<file> line N (<pointer>): <message>" — the line found from the pointer when it can be.
std::string describe(const LoadError& e) {
    std::string where = e.file;
    if (!e.pointer.empty()) {
        if (auto line = line_of_pointer(read_text(e.file), e.pointer))
            where += " line " + std::to_string(*line);
        where += " (" + e.pointer + ")";
    }
    return where + ": " + e.message;
}

std::string hint_for_load_error(const LoadError& e) {
    if (e.message.find("not valid JSON") != std::string::npos)
        return "fix the JSON syntax at the line and column named above";
    if (e.message.find("cannot be read") != std::string::npos)
        return "create mapping.json (docs/onboarding.md step 3 has a starting point)";
    return "the format of every key is in adapters/mapping.schema.json; docs/onboarding.md "
           "explains each one with an example";
}

std::string hint_for_convention(const std::string& problem) {
    if (problem.find("README.md") != std::string::npos)
        return "write README.md: owner, vendor API version, status, every vendor code and its "
               "standard code, the quirks (docs/onboarding.md step 2)";
    if (problem.find("vendor_id") != std::string::npos)
        return "make mapping.json's vendor_id and the folder name the same string";
    if (problem.find("mapping.json") != std::string::npos)
        return "create mapping.json (docs/onboarding.md step 3)";
    if (problem.find("at least one sample") != std::string::npos)
        return "add samples/<case>/input.* with expected.json or expected.err "
               "(docs/onboarding.md step 4)";
    if (problem.find("input") != std::string::npos)
        return "put the vendor's payload in the case folder as input.json, input.xml or "
               "input.csv";
    if (problem.find("expected") != std::string::npos)
        return "run `fieldgate vendor try <vendor> <input> --write-expected` and read the file "
               "it writes";
    return "add samples/<case>/input.* with expected.json or expected.err (docs/onboarding.md "
           "step 4)";
}

void print_indented(std::ostream& out, const std::string& text, const std::string& indent) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out << indent << line << "\n";
}

// Secret names of the transports the vendor uses: a polled vendor sends no results, so its
// inbound key and signature are not asked for; dispatch pushes and the poll block are.
std::vector<std::string> secret_names(const VendorSpec& spec) {
    std::vector<std::string> names;
    if (!spec.poll) {
        if (!spec.auth.secret.empty() && !spec.auth.certificate_only())
            names.push_back(spec.auth.secret);
        if (spec.auth.signature && !spec.auth.signature->secret.empty())
            names.push_back(spec.auth.signature->secret);
    }
    if (spec.dispatch.push() && !spec.dispatch.secret.empty())
        names.push_back(spec.dispatch.secret);
    if (spec.dispatch.push() && spec.dispatch.oauth2)
        names.push_back(spec.dispatch.oauth2->client_secret);
    if (spec.poll) {
        for (auto& name : poll_secret_names(*spec.poll)) names.push_back(std::move(name));
    }
    return names;
}

// What the poller checks before its first request, which the folder's loader leaves to it: the
// URL as an outbound endpoint (https, or plain http only to this machine or when allowed).
std::vector<LoadError> poll_problems(const VendorSpec& spec) {
    std::vector<LoadError> problems;
    if (!spec.poll) return problems;
    std::string refused;
    const auto url = http::parse_endpoint_url(spec.poll->url, refused);
    if (url) refused = http::refuse_plaintext(*url, spec.poll->allow_insecure_http, "poll.url");
    if (!refused.empty()) problems.push_back(LoadError{spec.mapping_path, "/poll/url", refused});
    return problems;
}

void print_poll(std::ostream& out, const VendorSpec& spec, int& problems) {
    if (!spec.poll) return;
    const auto errors = poll_problems(spec);
    for (const auto& e : errors) {
        ++problems;
        out << "  ERROR " << describe(e)
            << "\n        what to do: use https://, or set \"allow_insecure_http\": true in the "
               "poll block for a trusted private network\n";
    }
    if (errors.empty()) {
        const auto& p = *spec.poll;
        out << "  ok    poll " << p.url << " every " << p.interval_s << " s, "
            << (p.window() ? "time window" : "cursor") << ", auth " << p.auth_scheme << "\n";
    }
}

// Runs every sample of the folder, printing each one's verdict and, for a failure, the diff and
// what to do; returns the unmapped codes the samples used.
std::vector<UnmappedCode> print_samples(std::ostream& out, const fs::path& folder,
                                        const VendorEntry& vendor, int& problems) {
    std::vector<UnmappedCode> unmapped;
    const auto samples = list_samples(folder);
    if (samples.empty()) out << "  none\n";
    int passed = 0;
    for (const auto& sample : samples) {
        const auto run = run_sample(*vendor.adapter, sample);
        unmapped.insert(unmapped.end(), run.unmapped.begin(), run.unmapped.end());
        const char* kind = !sample.expected_json.empty()  ? "expected.json"
                           : !sample.expected_err.empty() ? "expected.err"
                                                          : "no expected file";
        if (run.pass) {
            ++passed;
            out << "  ok    " << sample.name << " (" << kind << ")\n";
            continue;
        }
        ++problems;
        out << "  FAIL  " << sample.name << ": " << run.problem << "\n";
        if (!run.expected.empty() || !run.actual.empty()) {
            if (run.expected.empty()) {
                out << "        normalized:\n";
                print_indented(out, run.actual, "          ");
            } else {
                out << "        - " << kind << "   + normalized now\n";
                print_indented(out, line_diff(run.expected, run.actual), "        ");
            }
        }
        if (sample.expected_json.empty() && sample.expected_err.empty())
            out << "        what to do: if the normalized side is right, write it with "
                   "`fieldgate vendor try "
                << folder.string() << " " << sample.input.string() << " --write-expected`\n";
        else
            out << "        what to do: fix the mapping if the normalized side is wrong; if it "
                   "is right, update "
                << kind << " to it\n";
    }
    out << "  " << passed << " of " << samples.size() << " samples as expected\n";
    return unmapped;
}

// Each unmapped vendor code the samples used, with the samples that used it.
void print_unmapped(std::ostream& out, const std::vector<UnmappedCode>& unmapped) {
    out << "\nvendor codes with no mapping\n";
    if (unmapped.empty()) out << "  none seen in the samples\n";
    std::map<std::pair<std::string, std::string>, std::set<std::string>> by_code;
    for (const auto& u : unmapped) by_code[{u.field, u.value}].insert(u.sample);
    for (const auto& [key, samples] : by_code) {
        out << "  " << key.first << " '" << key.second << "' in ";
        bool first = true;
        for (const auto& s : samples) {
            out << (first ? "" : ", ") << s;
            first = false;
        }
        out << "\n";
    }
    if (!by_code.empty())
        out << "  (refused at run time; add each code the city accepts to its value map in "
               "mapping.json, or keep a sample that expects the refusal)\n";
}

}  // namespace

int vendor_check(const VendorCommandArgs& args, std::ostream& out) {
    fs::path folder = fs::path(args.folder).lexically_normal();
    if (folder.filename().empty()) folder = folder.parent_path();  // "vendor_schemas/acme/"
    if (!fs::is_directory(folder)) {
        out << "vendor check: " << args.folder << " is not a folder\n";
        return kCannotRun;
    }
    GatewayConfig config;
    try {
        config = config_or_shipped(args.config_path);
    } catch (const std::exception& e) {
        out << "vendor check: cannot read the configuration: " << e.what() << "\n";
        return kCannotRun;
    }
    int problems = 0;
    out << "vendor check " << folder.string() << "\n";

    out << "\nfolder conventions\n";
    const auto conventions = check_vendor_folder(folder);
    if (conventions.empty()) out << "  ok    README.md, mapping.json and samples are there\n";
    for (const auto& p : conventions) {
        ++problems;
        out << "  FAIL  " << p << "\n        what to do: " << hint_for_convention(p) << "\n";
    }

    out << "\nmapping\n";
    std::optional<VendorEntry> vendor;
    try {
        const auto loader = make_loader(config);
        auto load = loader.load_folder(folder);
        for (const auto& e : load.errors) {
            ++problems;
            out << "  ERROR " << describe(e) << "\n        what to do: " << hint_for_load_error(e)
                << "\n";
        }
        vendor = std::move(load.vendor);
    } catch (const std::exception& e) {
        out << "  ERROR " << e.what() << "\n";
        return kCannotRun;
    }
    if (vendor) {
        const auto& s = vendor->spec;
        out << "  ok    " << s.id << " \"" << s.name << "\" mapping " << s.mapping_version << ", "
            << s.format << ", status " << s.status << ", auth " << s.auth.scheme << ", dispatch "
            << s.dispatch.mode << "\n";
        print_poll(out, s, problems);
        if (!args.config_path.empty()) {
            const SecretStore secrets(config.secrets_dir, config.secrets_env_prefix);
            for (const auto& name : secret_names(s)) {
                if (secrets.values(name).empty())
                    out << "  note  secret '" << name << "' is not configured yet: write it to "
                        << config.secrets_dir << "/" << name << " or set " << secrets.env_name(name)
                        << " before the vendor goes live\n";
            }
        }
    }

    out << "\nsamples\n";
    std::vector<UnmappedCode> unmapped;
    if (!vendor) {
        out << "  not run: the mapping does not load (fix the errors above first)\n";
    } else {
        unmapped = print_samples(out, folder, *vendor, problems);
    }

    print_unmapped(out, unmapped);

    out << "\n"
        << (problems == 0 ? "ready: the folder can go live (reload the gateway: "
                            "POST /v1/admin/vendors/reload or SIGHUP)"
                          : std::to_string(problems) + " problem(s); the folder is not ready")
        << "\n";
    return problems == 0 ? kReady : kProblems;
}

// What the CRM would tell the resident for each normalized outcome: the catalog's message for
// its outcome x reason, so staff read the words before the folder goes live.
void print_resident_messages(std::ostream& out, const NormalizeOutput& output,
                             const GatewayConfig& config) {
    const auto catalog = Catalog::load(config.catalog_path, config.catalog_schema_path);
    bool header = false;
    for (std::size_t i = 0; i < output.records.size(); ++i) {
        const auto& r = output.records[i];
        if (!r.ok() || r.result->outcome.empty()) continue;
        const auto message = catalog.message_for(r.result->outcome, r.result->reason);
        if (!message) continue;
        if (!header) out << "\nthe resident is told (catalog " << catalog.version() << ")\n";
        header = true;
        out << "  record " << i << " (" << r.result->vendor_ref << ") " << message->id << ": "
            << message->text << "\n";
    }
}

// Writes the case's expected file from `output` beside the payload; a refusal is written as
// expected too (an expected.err case), but still answers kProblems.
static int write_expected(std::ostream& out, const std::string& payload,
                          const NormalizeOutput& output, bool refused) {
    const auto dir = fs::path(payload).parent_path();
    const bool results = output_has_results(output);
    const auto target = dir / (results ? "expected.json" : "expected.err");
    if (fs::exists(dir / "expected.json") || fs::exists(dir / "expected.err")) {
        out << "vendor try: " << dir.string()
            << " already has an expected file; delete it first to write it again\n";
        return kCannotRun;
    }
    std::ofstream(target, std::ios::binary)
        << (results ? expected_json_text(output) : expected_err_text(output));
    out << "wrote " << target.string() << " (" << output.records.size()
        << " record(s)); read it: it is what `vendor check` will hold the mapping to\n";
    if (!refused) return kReady;
    out << "vendor try: the mapping refused "
        << (output.payload_error
                ? std::string("the payload as a whole")
                : std::to_string(std::count_if(output.records.begin(), output.records.end(),
                                               [](const RecordResult& r) { return !r.ok(); })) +
                      " record(s)")
        << "; the file records that refusal as expected. If the vendor's payload is right, "
           "fix the mapping, delete the file and write it again\n";
    return kProblems;
}

int vendor_try(const VendorCommandArgs& args, std::ostream& out) {
    GatewayConfig config;
    try {
        config = config_or_shipped(args.config_path);
    } catch (const std::exception& e) {
        out << "vendor try: cannot read the configuration: " << e.what() << "\n";
        return kCannotRun;
    }
    fs::path folder(args.vendor);
    if (args.vendor.find('/') == std::string::npos || !fs::is_directory(folder))
        folder = fs::path(config.vendor_schemas_dir) / args.vendor;
    if (!fs::is_directory(folder)) {
        out << "vendor try: no vendor folder " << folder.string() << " (give a vendor id under "
            << config.vendor_schemas_dir << " or a folder path)\n";
        return kCannotRun;
    }
    if (!fs::is_regular_file(args.payload)) {
        out << "vendor try: cannot read the payload file " << args.payload << "\n";
        return kCannotRun;
    }
    VendorLoad load;
    try {
        load = make_loader(config).load_folder(folder);
    } catch (const std::exception& e) {
        out << "vendor try: " << e.what() << "\n";
        return kCannotRun;
    }
    if (!load.vendor) {
        out << "vendor try: the mapping of " << folder.string() << " does not load:\n";
        for (const auto& e : load.errors)
            out << "  ERROR " << describe(e) << "\n        what to do: " << hint_for_load_error(e)
                << "\n";
        return kCannotRun;
    }
    const auto output = load.vendor->adapter->normalize(read_text(args.payload));
    const bool refused = output.payload_error.has_value() ||
                         std::any_of(output.records.begin(), output.records.end(),
                                     [](const RecordResult& r) { return !r.ok(); });
    if (args.json) {
        out << to_json(output).dump(2) << "\n";
        return refused ? kProblems : kReady;
    }
    if (args.write_expected) return write_expected(out, args.payload, output, refused);
    std::size_t ok = 0;
    for (const auto& r : output.records) ok += r.ok() ? 1 : 0;
    out << "vendor try " << load.vendor->spec.id << " (mapping "
        << load.vendor->spec.mapping_version << ") " << args.payload << "\n";
    if (output.payload_error) {
        out << "payload refused as a whole\n";
    } else {
        out << output.records.size() << " record(s): " << ok << " normalized, "
            << output.records.size() - ok << " refused" << (output.batch ? " (a batch)" : "")
            << "\n";
    }
    out << "\nnormalized\n";
    print_indented(out, to_json(output).dump(2), "  ");
    print_resident_messages(out, output, config);
    const auto errors = error_lines(output);
    if (!errors.empty()) {
        out << "\nerrors (what the vendor would be told, per record: code, pointer, [field])\n";
        print_indented(out, errors, "  ");
    }
    const auto unmapped = unmapped_codes(output, args.payload);
    if (!unmapped.empty()) {
        out << "\nvendor codes with no mapping\n";
        for (const auto& u : unmapped)
            out << "  " << u.field << " '" << u.value << "' at " << u.pointer << "\n";
        out << "  (add each code the city accepts to its value map in mapping.json)\n";
    }
    return refused ? kProblems : kReady;
}

}  // namespace fieldgate
