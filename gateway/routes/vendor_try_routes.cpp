#include "vendor_try_routes.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ops_params.h"
#include "result_json.h"
#include "vendor_responses.h"

namespace fieldgate {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxPayload = 1 << 20;

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A copy of the vendor's folder with the edited mapping.json, removed when it goes out of scope.
class ScratchFolder {
  public:
    ScratchFolder(const fs::path& from, const nlohmann::json& mapping) {
        std::string pattern = (fs::temp_directory_path() / "fieldgate-try-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot make a scratch folder");
        root_ = pattern;
        path_ = root_ / from.filename();
        fs::copy(from, path_, fs::copy_options::recursive);
        std::ofstream(path_ / "mapping.json", std::ios::trunc) << mapping.dump(2);
    }
    ~ScratchFolder() {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    const fs::path& path() const { return path_; }

  private:
    fs::path root_;
    fs::path path_;
};

nlohmann::json outcome_json(const std::string& vendor, const std::string& which,
                            const std::string& version, const NormalizeOutput& output) {
    std::size_t ok = 0;
    for (const auto& r : output.records) ok += r.ok() ? 1 : 0;
    return {
        {"vendor", vendor},
        {"mapping", which},
        {"mapping_version", version},
        {"normalized", ok},
        {"refused", output.payload_error ? output.records.size() + 1 : output.records.size() - ok},
        {"result", to_json(output)},
        {"stored", false}};
}

}  // namespace

VendorTryRoutes::VendorTryRoutes(LoaderOptions options, std::string vendor_schemas_dir,
                                 std::function<std::shared_ptr<const VendorRegistry>()> vendors)
    : options_(std::move(options)),
      vendor_schemas_dir_(std::move(vendor_schemas_dir)),
      vendors_(std::move(vendors)) {}

void VendorTryRoutes::add_routes(RouteTable& table) {
    table.on("GET", "/v1/admin/vendors/{vendor}/mapping",
             [this](http::Request&, const PathParams& params, http::Respond& respond) {
                 mapping(params["vendor"], respond);
             });
    table.on("POST", "/v1/admin/vendors/{vendor}/try",
             [this](http::Request& request, const PathParams& params, http::Respond& respond) {
                 try_payload(params["vendor"], request, respond);
             });
}

void VendorTryRoutes::mapping(const std::string& vendor, http::Respond& respond) const {
    const auto registry = vendors_();
    const auto* entry = registry ? registry->find(vendor) : nullptr;
    const auto file = fs::path(vendor_schemas_dir_) / vendor / "mapping.json";
    if (!entry || !fs::is_regular_file(file))
        return respond(problem(404, "unknown-vendor", "Unknown vendor",
                               "no vendor '" + vendor + "' is serving"));
    respond(
        json_response(200, {{"vendor", vendor},
                            {"mapping_version", entry->spec.mapping_version},
                            {"mapping", nlohmann::json::parse(read_file(file), nullptr, false)}}));
}

void VendorTryRoutes::try_payload(const std::string& vendor, const http::Request& request,
                                  http::Respond& respond) const {
    auto body = ops_params::json_body(request, respond);
    if (!body) return;
    const auto registry = vendors_();
    const auto* entry = registry ? registry->find(vendor) : nullptr;
    if (!entry)
        return respond(problem(404, "unknown-vendor", "Unknown vendor",
                               "no vendor '" + vendor + "' is serving"));
    const auto payload = body->find("payload");
    if (payload == body->end() || !payload->is_string() || payload->get<std::string>().empty() ||
        payload->get<std::string>().size() > kMaxPayload)
        return respond(problem(422, "invalid-field", "Invalid field",
                               "payload must be the vendor's payload as a non-empty string",
                               "/payload"));
    const auto edited = body->find("mapping");
    if (edited == body->end())
        return respond(json_response(
            200, outcome_json(vendor, "live", entry->spec.mapping_version,
                              entry->adapter->normalize(payload->get<std::string>()))));
    if (!edited->is_object())
        return respond(problem(422, "invalid-field", "Invalid field",
                               "mapping must be the edited mapping.json as an object", "/mapping"));
    const ScratchFolder folder(fs::path(vendor_schemas_dir_) / vendor, *edited);
    const auto load = VendorLoader(options_).load_folder(folder.path());
    if (!load.vendor) {
        nlohmann::json errors = nlohmann::json::array();
        for (const auto& e : load.errors)
            errors.push_back({{"file", fs::path(e.file).filename().string()},
                              {"pointer", e.pointer},
                              {"message", e.message}});
        const auto& first = load.errors.front();
        ApiError error{422,
                       "mapping-refused",
                       "The edited mapping does not load",
                       std::to_string(load.errors.size()) + " problem(s); first: " + first.message,
                       fs::path(first.file).filename() == "mapping.json"
                           ? "/mapping" + first.pointer
                           : std::string("/mapping"),
                       nlohmann::json::object()};
        error.extra["errors"] = errors;
        return respond(problem_response(error));
    }
    respond(json_response(
        200, outcome_json(vendor, "edited", load.vendor->spec.mapping_version,
                          load.vendor->adapter->normalize(payload->get<std::string>()))));
}

}  // namespace fieldgate
