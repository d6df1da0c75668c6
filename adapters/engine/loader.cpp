#include "engine/loader.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/extract.h"
#include "engine/meta_schema.h"
#include "engine/pair_check.h"
#include "json_schema.h"
#include "string_limits.h"

namespace fieldgate::engine {

namespace {

using nlohmann::json;

class Compiler {
  public:
    Compiler(const json& doc, std::string file, std::filesystem::path folder,
             std::shared_ptr<const Catalog> catalog)
        : doc_(doc),
          file_(std::move(file)),
          folder_(std::move(folder)),
          catalog_(std::move(catalog)) {}

    CompileResult run() {
        auto m = std::make_shared<CompiledMapping>();
        m->vendor_id = doc_.value("vendor_id", "");
        m->format = doc_.value("format", "");
        m->catalog = catalog_;
        zone_ = find_zone(doc_.value("time_zone", ""));
        if (zone_ == nullptr) {
            fail("/time_zone", "'" + doc_.value("time_zone", "") +
                                   "' is not an IANA time zone known to the tz database");
        }
        records(*m);
        value_maps(*m);
        fields(*m);
        checks(*m);
        payload_schema(*m);
        if (errors_.empty()) {
            for (auto& e : check_outcome_reason_pairs(*m, file_)) errors_.push_back(std::move(e));
        }
        CompileResult out;
        out.errors = std::move(errors_);
        if (out.errors.empty()) out.mapping = std::move(m);
        return out;
    }

  private:
    void fail(const std::string& pointer, const std::string& message) {
        errors_.push_back(LoadError{file_, pointer, message});
    }

    void records(CompiledMapping& m) {
        const json r = doc_.value("records", json::object());
        m.records.path = r.value("path", "");
        m.records.root_is_record = r.value("root_is_record", false);
        const auto delimiter = r.value("delimiter", ",");
        m.records.delimiter = delimiter.empty() ? ',' : delimiter[0];
        if (m.format == "json") {
            if (m.records.path.empty() && !m.records.root_is_record && !r.contains("path")) {
                fail("/records",
                     "a json mapping needs records.path (pointer to the result list) or "
                     "root_is_record");
            }
            if (!m.records.path.empty()) check_json_pointer("/records/path", m.records.path);
        } else if (m.format == "xml") {
            if (m.records.path.empty())
                fail("/records/path", "an xml mapping needs the element path of a record");
            if (!m.records.path.empty() && m.records.path.front() == '/') {
                fail("/records/path",
                     "xml paths are element local names separated by '/', without a leading '/'");
            }
        }
        if (m.format != "json" && r.contains("root_is_record")) {
            fail("/records/root_is_record", "only json mappings have root_is_record");
        }
        if (m.format != "csv" && r.contains("delimiter"))
            fail("/records/delimiter", "only csv mappings have a delimiter");
    }

    void check_json_pointer(const std::string& where, const std::string& path) {
        try {
            json::json_pointer p(path);
            (void)p;
            if (path.empty()) fail(where, "a field path must not be empty");
        } catch (const json::exception&) {
            fail(where,
                 "'" + path +
                     "' is not a JSON pointer (it must start with '/', e.g. /ticket_number)");
        }
    }

    void check_path(const std::string& where, const std::string& path, const std::string& format) {
        if (format == "json") {
            check_json_pointer(where, path);
        } else if (path.empty() || path.front() == '/') {
            fail(where,
                 format == "xml"
                     ? "xml paths are element local names separated by '/', without a leading '/'"
                     : "a csv path is a column name from the header");
        }
    }

    void value_maps(CompiledMapping& m) {
        if (!doc_.contains("value_maps")) return;
        // Which field uses which map decides what its targets must be.
        std::map<std::string, std::string> used_by;
        const json fields = doc_.value("fields", json::object());
        for (const auto& [target, f] : fields.items()) {
            if (f.contains("map")) used_by.emplace(f.at("map").get<std::string>(), target);
        }
        for (const auto& [name, vm] : doc_.at("value_maps").items()) {
            const std::string base = "/value_maps/" + json_pointer_token(name);
            ValueMap map(MatchRules{vm.value("trim", true), vm.value("case_insensitive", false),
                                    vm.value("collapse_spaces", false)});
            auto use = used_by.find(name);
            if (use == used_by.end())
                fail(base, "value map '" + name + "' is not used by any field");
            for (const auto& [code, target_json] : vm.at("entries").items()) {
                const std::string where = base + "/entries/" + json_pointer_token(code);
                MapTarget target = map_target(target_json);
                if (use != used_by.end()) check_target(use->second, target, where);
                if (auto clash = map.add(code, target)) {
                    fail(where, "'" + code + "' matches the same vendor value as '" + *clash +
                                    "' under this map's trim/case/space rules");
                }
            }
            m.value_maps.emplace(name, std::move(map));
        }
    }

    // An entry is a standard code, or {"code", "outcome"} for a reason that pins its outcome.
    static MapTarget map_target(const json& j) {
        if (j.is_object()) return MapTarget{j.value("code", ""), j.value("outcome", "")};
        return MapTarget{j.get<std::string>()};
    }

    void check_target(const std::string& used_by, const MapTarget& target,
                      const std::string& where) {
        if (used_by == "status" && !catalog_->outcome(target.code) &&
            !catalog_->is_progress(target.code)) {
            fail(where, "'" + target.code +
                            "' is not a standard outcome or progress code (catalog " +
                            catalog_->version() + ")");
        } else if (used_by == "reason" && !catalog_->reason(target.code)) {
            fail(where, "'" + target.code + "' is not a standard reason code (catalog " +
                            catalog_->version() + ")");
        }
        if (!target.outcome.empty() && used_by != "reason") {
            fail(
                where + "/outcome",
                "only the entries of the reason field's map pin an outcome; this map is used by '" +
                    used_by + "'");
        }
    }

    std::optional<FieldSpec> field(const std::string& target, const json& f,
                                   const std::string& where, std::optional<FieldType> fixed_type,
                                   const CompiledMapping& m) {
        FieldSpec s;
        s.target = target;
        if (fixed_type) s.standard = standard_field(target);  // checks have none
        s.mapping_pointer = where;
        const int sources =
            int(f.contains("from")) + int(f.contains("join")) + int(f.contains("const"));
        if (sources != 1) {
            fail(where, "a field needs exactly one of 'from', 'join' or 'const'");
            return std::nullopt;
        }
        if (f.contains("type")) {
            auto t = field_type_from_name(f.at("type").get<std::string>());
            if (fixed_type && t && *t != *fixed_type) {
                fail(where + "/type", "'" + target + "' is a " + field_type_name(*fixed_type) +
                                          " field, not " + f.at("type").get<std::string>());
            }
            s.type = t.value_or(FieldType::kString);
        } else if (fixed_type) {
            s.type = *fixed_type;
        } else {
            s.type = FieldType::kString;
        }
        if (fixed_type) s.type = *fixed_type;
        s.scope = f.value("scope", "record") == "batch" ? Scope::kBatch : Scope::kRecord;
        if (s.scope == Scope::kBatch && m.format != "json") {
            fail(where + "/scope", "batch scope exists only for json payloads");
        }
        if (f.contains("from")) {
            const auto& from = f.at("from");
            if (from.is_string())
                s.from.push_back(from.get<std::string>());
            else
                s.from = from.get<std::vector<std::string>>();
            for (std::size_t i = 0; i < s.from.size(); ++i) {
                check_path(where + "/from" + (from.is_string() ? "" : "/" + std::to_string(i)),
                           s.from[i], m.format);
            }
        }
        compile_parts(s, f, where, m.format,
                      [&](const std::string& at, const std::string& why) { fail(at, why); });
        if (f.contains("join")) {
            s.join = f.at("join").get<std::vector<std::string>>();
            s.separator = f.value("separator", "");
            for (std::size_t i = 0; i < s.join.size(); ++i) {
                check_path(where + "/join/" + std::to_string(i), s.join[i], m.format);
            }
            if (s.type != FieldType::kString)
                fail(where + "/join", "only text fields can be joined");
        } else if (f.contains("separator")) {
            fail(where + "/separator", "'separator' goes with 'join'");
        }
        if (f.contains("const")) {
            const auto& c = f.at("const");
            if (c.is_string())
                s.constant = Scalar{c.get<std::string>(), Scalar::Kind::kString};
            else if (c.is_boolean())
                s.constant = Scalar{c.dump(), Scalar::Kind::kBoolean};
            else
                s.constant = Scalar{c.dump(), Scalar::Kind::kNumber};
        }
        s.required = f.value("required", false);
        s.map = f.value("map", "");
        if (!s.map.empty()) {
            if (target != "status" && target != "reason") {
                fail(where + "/map", "only 'status' and 'reason' are looked up in value maps");
            } else if (!doc_.contains("value_maps") || !doc_.at("value_maps").contains(s.map)) {
                fail(where + "/map", "there is no value map named '" + s.map + "'");
            }
        } else if ((target == "status" || target == "reason") && !f.contains("const")) {
            fail(where, "'" + target + "' needs a value map ('map') to standard codes");
        }
        if (f.contains("sentinels"))
            s.sentinels = f.at("sentinels").get<std::vector<std::string>>();
        if (f.contains("allowed")) s.allowed = f.at("allowed").get<std::vector<std::string>>();
        if (f.contains("equals")) {
            if (s.type != FieldType::kBoolean)
                fail(where + "/equals", "'equals' makes a boolean; this field is not one");
            s.equals = f.at("equals").get<std::string>();
        }
        const bool timed = s.type == FieldType::kDate || s.type == FieldType::kDateTime;
        if (f.contains("format")) {
            if (!timed) fail(where + "/format", "only date and datetime fields have a format");
            std::vector<std::string> names;
            if (f.at("format").is_string())
                names.push_back(f.at("format").get<std::string>());
            else
                names = f.at("format").get<std::vector<std::string>>();
            for (const auto& n : names) {
                auto tf = time_format_from_name(n);
                if (!tf) continue;  // the meta-schema names the allowed ones
                if (s.type == FieldType::kDate && !is_date_only(*tf)) {
                    fail(where + "/format",
                         "'" + n +
                             "' is a date-time format; a date field needs us_date or iso_date");
                } else if (s.type == FieldType::kDateTime && is_date_only(*tf)) {
                    fail(where + "/format",
                         "'" + n + "' is a date format; a datetime field needs a date-time format");
                }
                s.formats.push_back(*tf);
            }
            if (std::count_if(s.formats.begin(), s.formats.end(), is_epoch) > 1) {
                fail(where + "/format",
                     "unix_seconds and unix_millis read the same digits as different times; "
                     "list only the one the vendor sends");
            }
        } else if (timed) {
            fail(where, "a " + field_type_name(s.type) + " field needs a named 'format'");
        }
        for (const char* key : {"offset_from", "offset_minutes_from", "time_zone"}) {
            if (f.contains(key) && s.type != FieldType::kDateTime) {
                fail(where + "/" + key,
                     std::string("'") + key + "' only applies to datetime fields");
            }
        }
        s.offset_from = f.value("offset_from", "");
        s.offset_minutes_from = f.value("offset_minutes_from", "");
        if (!s.offset_from.empty()) check_path(where + "/offset_from", s.offset_from, m.format);
        if (!s.offset_minutes_from.empty())
            check_path(where + "/offset_minutes_from", s.offset_minutes_from, m.format);
        s.zone = zone_;
        if (f.contains("time_zone")) {
            s.zone = find_zone(f.at("time_zone").get<std::string>());
            if (s.zone == nullptr)
                fail(where + "/time_zone", "not an IANA time zone known to the tz database");
        }
        if (target == "vendor_ref" || target == "status") s.required = true;  // always
        limits(s, f, where);
        return s;
    }

    // The longest value (and the most list items) accepted: the standard field's default unless
    // the mapping says otherwise.
    void limits(FieldSpec& s, const json& f, const std::string& where) {
        s.max_length = default_max_length(s.target);
        s.max_items = default_max_items(s.target);
        if (f.contains("max_length")) s.max_length = f.at("max_length").get<std::size_t>();
        if (f.contains("max_items")) {
            if (s.type != FieldType::kStringList)
                fail(where + "/max_items", "'max_items' only applies to string_list fields");
            s.max_items = f.at("max_items").get<std::size_t>();
        }
    }

    void fields(CompiledMapping& m) {
        if (!doc_.contains("fields")) {
            if (!doc_.contains("cpp_adapter"))
                fail("", "a mapping needs 'fields' (or a 'cpp_adapter')");
            return;
        }
        const auto& fields = doc_.at("fields");
        for (const char* needed : {"vendor_ref", "status", "crm_case_id"}) {
            if (!fields.contains(needed))
                fail("/fields", std::string("a mapping must map '") + needed + "'");
        }
        // Evaluate in canonical order so errors come out in a stable order.
        for (const auto& target : canonical_fields()) {
            if (!fields.contains(target)) continue;
            const std::string where = "/fields/" + target;
            if (auto s = field(target, fields.at(target), where, canonical_field_type(target), m)) {
                if (target == "route_level" && !s->equals) {
                    fail(where,
                         "route_level needs 'equals' (the value that marks a route-level record)");
                }
                if (m.format == "csv" && s->required) {
                    for (const auto& c : s->join) m.records.required_columns.push_back(c);
                    if (s->from.size() == 1) m.records.required_columns.push_back(s->from.front());
                }
                m.fields.push_back(std::move(*s));
            }
        }
    }

    void checks(CompiledMapping& m) {
        if (!doc_.contains("checks")) return;
        for (const auto& [name, f] : doc_.at("checks").items()) {
            const std::string where = "/checks/" + json_pointer_token(name);
            if (auto s = field(name, f, where, std::nullopt, m)) m.checks.push_back(std::move(*s));
        }
    }

    void payload_schema(CompiledMapping& m) {
        if (!doc_.contains("payload_schema")) return;
        if (m.format != "json") {
            fail("/payload_schema", "a payload JSON Schema applies to json payloads only");
            return;
        }
        const auto rel = doc_.at("payload_schema").get<std::string>();
        const auto path = folder_ / rel;
        if (rel.find("..") != std::string::npos || std::filesystem::path(rel).is_absolute()) {
            fail("/payload_schema", "the payload schema must be a file inside the vendor folder");
            return;
        }
        try {
            m.payload_schema = std::make_shared<JsonSchema>(JsonSchema::from_file(path.string()));
        } catch (const std::exception& e) {
            fail("/payload_schema", e.what());
        }
    }

    const json& doc_;
    std::string file_;
    std::filesystem::path folder_;
    std::shared_ptr<const Catalog> catalog_;
    const date::time_zone* zone_ = nullptr;
    std::vector<LoadError> errors_;
};

}  // namespace

CompileResult compile_mapping(const nlohmann::json& doc, const std::string& file,
                              const std::filesystem::path& folder,
                              std::shared_ptr<const Catalog> catalog) {
    try {
        return Compiler(doc, file, folder, std::move(catalog)).run();
    } catch (const std::exception& e) {
        CompileResult out;
        out.errors.push_back(
            LoadError{file, "", std::string("cannot compile the mapping: ") + e.what()});
        return out;
    }
}

}  // namespace fieldgate::engine
