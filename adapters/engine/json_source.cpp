#include "engine/json_source.h"

#include <nlohmann/json.hpp>

#include "engine/text.h"
#include "json_schema.h"

namespace fieldgate::engine {

RecordError malformed(const std::string& where, const std::string& detail) {
    return RecordError{where, "", "malformed", detail};
}

namespace {

using nlohmann::json;

const json* resolve(const json* base, const std::string& path) {
    if (base == nullptr) return nullptr;
    try {
        const json::json_pointer ptr(path);
        if (!base->contains(ptr)) return nullptr;
        return &base->at(ptr);
    } catch (const json::exception&) {
        return nullptr;
    }
}

Scalar to_scalar(const json& v) {
    if (v.is_string()) return {v.get<std::string>(), Scalar::Kind::kString};
    if (v.is_number()) return {v.dump(), Scalar::Kind::kNumber};
    if (v.is_boolean()) return {v.dump(), Scalar::Kind::kBoolean};
    return {v.dump(), Scalar::Kind::kStructure};
}

std::string field_name(const std::string& path) {
    std::string out = path.empty() ? path : path.substr(1);
    for (auto& c : out) {
        if (c == '/') c = '.';
    }
    return out;
}

class JsonRecord final : public RecordView {
  public:
    JsonRecord(std::shared_ptr<const json> doc, const json* record, const json* batch,
               std::string pointer)
        : doc_(std::move(doc)), record_(record), batch_(batch), pointer_(std::move(pointer)) {}

    const std::string& pointer() const override { return pointer_; }

    Location locate(const std::string& path, Scope scope) const override {
        return {(scope == Scope::kBatch ? std::string() : pointer_) + path, field_name(path)};
    }

    std::optional<Scalar> scalar(const std::string& path, Scope scope) const override {
        const json* v = resolve(base(scope), path);
        if (v == nullptr || v->is_null()) return std::nullopt;
        return to_scalar(*v);
    }

    std::optional<std::vector<Scalar>> list(const std::string& path, Scope scope) const override {
        const json* v = resolve(base(scope), path);
        if (v == nullptr || v->is_null()) return std::nullopt;
        std::vector<Scalar> out;
        if (v->is_array()) {
            for (const auto& e : *v) out.push_back(to_scalar(e));
        } else {
            out.push_back(to_scalar(*v));  // one value where a list is expected
        }
        return out;
    }

  private:
    const json* base(Scope scope) const { return scope == Scope::kBatch ? batch_ : record_; }
    std::shared_ptr<const json> doc_;
    const json* record_;
    const json* batch_;  // the batch envelope; null for a single record
    std::string pointer_;
};

void add_record(Records& out, const std::shared_ptr<const json>& doc, const json& record,
                const json* batch, const std::string& pointer) {
    RecordSlot slot;
    if (!record.is_object()) {
        slot.errors.push_back(RecordError{pointer, "", "invalid_type",
                                          "Each result must be a JSON object; this one is " +
                                              std::string(record.type_name()) + "."});
    } else {
        slot.view = std::make_unique<JsonRecord>(doc, &record, batch, pointer);
        slot.json = &record;
    }
    out.slots.push_back(std::move(slot));
}

}  // namespace

Records read_json_records(std::string_view body, const RecordsSpec& spec) {
    Records out;
    auto doc = std::make_shared<json>();
    try {
        *doc = json::parse(body.begin(), body.end());
    } catch (const json::parse_error& e) {
        const std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
        out.payload_error = malformed(
            "", "The body is not valid JSON (" + line_column(body, at) + ", byte " +
                    std::to_string(at) +
                    "): " + std::string(e.what()).substr(std::string(e.what()).find(':') + 2));
        return out;
    }
    out.keep_alive = doc;
    const json& root = *doc;
    const json* list = spec.path.empty() ? &root : resolve(&root, spec.path);
    if (list == nullptr || list->is_null()) {
        if (spec.root_is_record && root.is_object()) {
            add_record(out, doc, root, nullptr, "");
            return out;
        }
        out.payload_error =
            RecordError{spec.path, field_name(spec.path), "missing_field",
                        "The body must be a JSON object with '" + field_name(spec.path) +
                            "' holding the results" +
                            (spec.root_is_record ? ", or a single result object." : ".")};
        return out;
    }
    out.batch = true;
    const json* batch = spec.path.empty() ? nullptr : &root;
    if (list->is_array()) {
        for (std::size_t i = 0; i < list->size(); ++i) {
            add_record(out, doc, (*list)[i], batch, spec.path + "/" + std::to_string(i));
        }
    } else {
        add_record(out, doc, *list, batch, spec.path);  // one object where a list is expected
    }
    return out;
}

}  // namespace fieldgate::engine
