#include "engine/json_source.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "engine/text.h"
#include "input_limits.h"
#include "json_schema.h"

namespace fieldgate::engine {

RecordError malformed(const std::string& where, const std::string& detail) {
    return RecordError{where, "", "malformed", detail};
}

RecordError refused_before_parsing(std::string_view body, const InputProblem& problem) {
    return malformed("", "The body is refused before parsing (" +
                             line_column(body, problem.offset) + ", byte " +
                             std::to_string(problem.offset) + "): " + problem.detail + ".");
}

namespace {

using nlohmann::json;

// Walks an RFC 6901 pointer without building a json_pointer: this runs for every field of
// every record, and parsing the pointer each time (plus contains() then at()) cost more than
// the lookups themselves. Paths were checked for syntax when the mapping was loaded.
const json* resolve(const json* base, const std::string& path) {
    const json* at = base;
    std::size_t pos = 0;
    std::string token;
    while (at != nullptr && pos < path.size()) {
        if (path[pos] != '/') return nullptr;
        const std::size_t end = std::min(path.find('/', pos + 1), path.size());
        token.assign(path, pos + 1, end - pos - 1);
        if (token.find('~') != std::string::npos) {
            for (std::size_t i = 0; (i = token.find('~', i)) != std::string::npos; ++i) {
                if (i + 1 >= token.size() || (token[i + 1] != '0' && token[i + 1] != '1'))
                    return nullptr;
                token.replace(i, 2, token[i + 1] == '0' ? "~" : "/");
            }
        }
        if (at->is_object()) {
            const auto it = at->find(token);
            at = it == at->end() ? nullptr : &*it;
        } else if (at->is_array()) {
            if (token.empty() || token.size() > 9 ||
                token.find_first_not_of("0123456789") != std::string::npos ||
                (token.size() > 1 && token[0] == '0')) {
                return nullptr;
            }
            const std::size_t index = std::stoul(token);
            at = index < at->size() ? &(*at)[index] : nullptr;
        } else {
            return nullptr;
        }
        pos = end;
    }
    return at;
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

    std::optional<std::vector<Item>> each(const std::string& path, const std::string& sub,
                                          Scope scope) const override {
        const json* v = resolve(base(scope), path);
        if (v == nullptr || v->is_null()) return std::nullopt;
        std::vector<Item> out;
        auto add = [&](const json& element, const std::string& element_path) {
            Item item;
            item.path = element_path;
            if (element.is_object() || element.is_array()) {
                item.path += sub;
                const json* at = resolve(&element, sub);
                if (at != nullptr && !at->is_null()) {
                    item.state = Item::State::kValue;
                    item.value = to_scalar(*at);
                }
            } else if (!element.is_null()) {
                item.state = Item::State::kNotContainer;
                item.value = to_scalar(element);
            }
            out.push_back(std::move(item));
        };
        if (v->is_array()) {
            for (std::size_t i = 0; i < v->size(); ++i)
                add((*v)[i], path + "/" + std::to_string(i));
        } else {
            add(*v, path);  // one element where a list is expected
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
    // Refused before the parser builds anything: nesting past the limit, or a NUL byte (which
    // the parser would read as the end, accepting "{...}\0anything").
    if (auto problem = scan_json(body)) {
        out.payload_error = refused_before_parsing(body, *problem);
        return out;
    }
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
    } catch (const json::exception& e) {  // a number no double holds (out_of_range 406)
        out.payload_error =
            malformed("", "The body is not valid JSON: " +
                              std::string(e.what()).substr(std::string(e.what()).find(']') + 2));
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
