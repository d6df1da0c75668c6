#include "engine/evaluate.h"

#include <algorithm>

#include "engine/convert.h"
#include "engine/extract.h"
#include "engine/list_items.h"
#include "engine/text.h"
#include "string_limits.h"

namespace fieldgate::engine {

namespace {

struct Value {
    bool present = false;
    std::string text;  // trimmed; strings, dates (converted), numbers as written
    double number = 0;
    std::int64_t integer = 0;
    bool boolean = false;
    std::vector<std::string> list;
    // Where the value came from, turned into a Location only when an error needs one:
    // building pointer strings for every field of every record cost more than the lookups.
    struct Where {
        const std::string* path = nullptr;
        Scope scope{};
        const std::string* constant_field = nullptr;
    } at;
};

std::string q(const std::string& s) {
    return "'" + s + "'";
}

class Evaluator {
  public:
    Evaluator(const CompiledMapping& m, const RecordView& r) : m_(m), r_(r) {}

    std::vector<RecordError> errors;

    Location where(const Value::Where& at) const {
        if (at.path) return r_.locate(*at.path, at.scope);
        return Location{"", at.constant_field ? *at.constant_field : std::string()};
    }
    Location where(const Value& v) const { return where(v.at); }

    void error(const Location& where, const std::string& code, const std::string& detail) {
        errors.push_back(RecordError{where.pointer, where.field, code, detail});
    }

    Value eval(const FieldSpec& f) {
        Value v;
        std::optional<Scalar> scalar;
        std::optional<std::vector<RecordView::Item>> list;
        if (f.constant) {
            scalar = f.constant;
            v.at = Value::Where{nullptr, f.scope, &f.target};
        } else if (!f.join.empty()) {
            v.at = Value::Where{&f.join.front(), f.scope, {}};
            std::vector<std::string> parts;
            for (const auto& path : f.join) {
                auto part = r_.scalar(path, f.scope);
                if (!part || part->kind == Scalar::Kind::kStructure || trim(part->text).empty()) {
                    if (f.required) {
                        const auto where = r_.locate(path, f.scope);
                        error(where, "missing_field",
                              q(where.field) + " is missing or empty; it is part of the " +
                                  f.target + " (" + join(f.join, f.separator) + ").");
                    }
                    return Value{false, {}, 0, 0, false, {}, v.at};
                }
                parts.push_back(trim(part->text));
            }
            scalar = Scalar{join(parts, f.separator), Scalar::Kind::kString};
        } else {
            v.at = Value::Where{&f.from.front(), f.scope, {}};
            for (const auto& path : f.from) {
                if (f.type == FieldType::kStringList) {
                    list = f.each.empty() ? as_items(r_.list(path, f.scope))
                                          : r_.each(path, f.each, f.scope);
                    if (list) {
                        v.at = Value::Where{&path, f.scope, {}};
                        break;
                    }
                } else {
                    auto s = r_.scalar(path, f.scope);
                    if (s && !(s->kind != Scalar::Kind::kStructure && trim(s->text).empty())) {
                        scalar = std::move(s);
                        v.at = Value::Where{&path, f.scope, {}};
                        break;
                    }
                }
            }
        }

        if (f.type == FieldType::kStringList) return eval_list(f, std::move(v), list);
        if (scalar && scalar->kind != Scalar::Kind::kStructure) {
            const auto t = trim(scalar->text);
            for (const auto& s : f.sentinels) {
                if (t == s) scalar.reset();  // a value that means "none"
                if (!scalar) break;
            }
        }
        if (scalar && scalar->kind != Scalar::Kind::kStructure && takes_part(f)) {
            auto part = extract_part(f, scalar->text);
            // Control characters anywhere in the value count; the length is the part's.
            if (!admissible(v, scalar->text, part.text.value_or(""), f.max_length)) return v;
            if (!part.text && f.required) {
                error(where(v), "invalid_value",
                      q(where(v).field) + " is " + q(excerpt(scalar->text)) + "; " + part.why +
                          ", and every result must have it.");
                return v;
            }
            // The part is text, read per the field's type ("37.77" of "37.77,-122.41" a number).
            if (part.text) scalar = Scalar{std::move(*part.text), Scalar::Kind::kText};
            if (!part.text) scalar.reset();  // no part: the field is absent
        }
        if (f.type == FieldType::kBoolean && f.equals) {
            v.present = true;
            v.boolean = scalar && scalar->kind != Scalar::Kind::kStructure &&
                        trim(scalar->text) == *f.equals;
            return v;
        }
        if (!scalar) {
            if (f.required) missing(f, where(v));
            return v;
        }
        return convert(f, std::move(v), *scalar);
    }

    void missing(const FieldSpec& f, const Location& where) {
        std::string alternatives;
        if (f.from.size() > 1) {
            std::vector<std::string> names;
            for (const auto& p : f.from) names.push_back(q(r_.locate(p, f.scope).field));
            alternatives = " (one of " + join(names, ", ") + ")";
        }
        error(where, "missing_field",
              q(where.field) + alternatives + " is missing or empty; every result must have it.");
    }

    Value eval_list(const FieldSpec& f, Value v,
                    const std::optional<std::vector<RecordView::Item>>& list) {
        if (!list) {
            if (f.required) missing(f, where(v));
            v.present = true;  // an absent list is an empty list
            return v;
        }
        if (list->size() > f.max_items) {
            error(where(v), "too_long",
                  q(where(v).field) + " has " + std::to_string(list->size()) + " items; at most " +
                      std::to_string(f.max_items) + " are accepted.");
            return v;
        }
        if (auto e = list_texts(f, r_, *list, where(v), v.list)) {
            errors.push_back(std::move(*e));
            v.list.clear();
            return v;
        }
        v.present = true;
        return v;
    }

    Value convert(const FieldSpec& f, Value v, const Scalar& s) {
        using K = Scalar::Kind;
        const auto t = trim(s.text);
        if (s.kind != K::kStructure && !admissible(v, s.text, t, f.max_length)) return v;
        auto type_error = [&](const std::string& expected) {
            error(where(v), "invalid_type",
                  q(where(v).field) + " must be " + expected + "; got " +
                      (s.kind == K::kString ? "\"" + s.text + "\"" : s.text) + ".");
            return v;
        };
        if (s.kind == K::kStructure) return type_error(expected_name(f.type));
        if (!f.allowed.empty() &&
            std::find(f.allowed.begin(), f.allowed.end(), t) == f.allowed.end()) {
            error(where(v), "invalid_value",
                  q(where(v).field) + " is " + q(t) + "; only " + join(f.allowed, ", ") +
                      " can be accepted here.");
            return v;
        }
        std::optional<int> offset;
        if (f.type == FieldType::kDateTime && datetime_kind(f, s) &&
            !read_offset(f, r_, offset, errors))
            return v;
        auto c = convert_scalar(f, s, t, offset);
        if (c.expected) return type_error(*c.expected);
        if (c.invalid) {
            error(where(v), "invalid_value", q(where(v).field) + ": " + *c.invalid + ".");
            return v;
        }
        v.text = std::move(c.text);
        v.number = c.number;
        v.integer = c.integer;
        v.boolean = c.boolean;
        v.present = true;
        return v;
    }

    // A value over its field's limit, or holding a control character, is refused naming the
    // field: never cut, never kept. `raw` as sent (a control character anywhere counts), `kept`
    // trimmed (what the length applies to). The location is built only for an error.
    bool admissible(const Value& v, std::string_view raw, std::string_view kept,
                    std::size_t max_length) {
        auto problem = text_problem(raw, max_length);
        if (problem && problem->code == "too_long") problem = text_problem(kept, max_length);
        if (!problem) return true;
        const auto at = where(v);
        error(at, problem->code, q(at.field) + " " + problem->detail + ".");
        return false;
    }

    // Looks a vendor code up in a value map; an unmapped code is an error, never OTHER.
    std::optional<MapTarget> map_code(const FieldSpec& f, const Value& v) {
        const auto& map = m_.value_maps.at(f.map);
        auto code = map.lookup(v.text);
        if (!code) {
            error(where(v), "unmapped_code",
                  q(where(v).field) + " value " + q(v.text) + " is not a code the city knows for " +
                      m_.vendor_id + " (known: " + join(map.vendor_codes(), ", ") +
                      "). Send one of the known codes, or ask the city to add this one to the "
                      "mapping.");
        }
        return code;
    }

    const CompiledMapping& m_;
    const RecordView& r_;
};

// A present value into its standard field (status and reason are decided afterwards).
void keep(NormalizedResult& n, Standard field, Value& v) {
    using S = Standard;
    if (field == S::kVendorRef)
        n.vendor_ref = std::move(v.text);
    else if (field == S::kCrmCaseId)
        n.crm_case_id = std::move(v.text);
    else if (field == S::kDetail)
        n.detail = std::move(v.text);
    else if (field == S::kOccurredAt)
        n.occurred_at = std::move(v.text);
    else if (field == S::kServiceDate)
        n.service_date = std::move(v.text);
    else if (field == S::kLat)
        n.lat = v.number;
    else if (field == S::kLon)
        n.lon = v.number;
    else if (field == S::kGpsAccuracy)
        n.gps_accuracy_m = v.number;
    else if (field == S::kTruck)
        n.truck = std::move(v.text);
    else if (field == S::kCrew)
        n.crew = std::move(v.text);
    else if (field == S::kDriver)
        n.driver = std::move(v.text);
    else if (field == S::kPhotos)
        n.photos = std::move(v.list);
    else if (field == S::kItemsCollected)
        n.items_collected = v.integer;
    else if (field == S::kRouteId)
        n.route.id = std::move(v.text);
    else if (field == S::kRouteDate)
        n.route.date = std::move(v.text);
    else if (field == S::kRouteStopSeq)
        n.route.stop_seq = std::move(v.text);
    else if (field == S::kRouteLevel)
        n.route_level = v.boolean;
}

// The mapped fields that decide the outcome, kept aside while the others go into the result.
struct DecidingFields {
    std::optional<Value> status;
    std::optional<Value> reason;
    std::optional<Value::Where> crm;  // where they are, made a Location only for an error
    std::optional<Value::Where> detail;
    bool detail_refused = false;  // there, but refused (too long ...): said once, not twice
};

DecidingFields take_fields(const CompiledMapping& m, Evaluator& ev, NormalizedResult& n) {
    DecidingFields d;
    for (const auto& f : m.fields) {
        const auto errors_before = ev.errors.size();
        Value v = ev.eval(f);
        if (f.standard == Standard::kStatus || f.standard == Standard::kReason) {
            (f.standard == Standard::kStatus ? d.status : d.reason) = std::move(v);
            continue;
        }
        if (f.standard == Standard::kDetail) {
            d.detail = v.at;
            d.detail_refused = ev.errors.size() > errors_before;
        }
        if (f.standard == Standard::kCrmCaseId) d.crm = v.at;
        if (v.present) keep(n, f.standard, v);
    }
    return d;
}

const FieldSpec* spec_of(const CompiledMapping& m, Standard field) {
    for (const auto& f : m.fields)
        if (f.standard == field) return &f;
    return nullptr;
}

// Status -> outcome or progress; false when the status is missing or unmapped.
bool map_status(const CompiledMapping& m, Evaluator& ev, const DecidingFields& d,
                NormalizedResult& n) {
    const FieldSpec* status_spec = spec_of(m, Standard::kStatus);
    if (!d.status || !d.status->present || !status_spec) return false;
    n.vendor_status = d.status->text;
    const auto target = ev.map_code(*status_spec, *d.status);
    if (!target) return false;
    if (m.catalog->outcome(target->code))
        n.outcome = target->code;
    else
        n.progress = target->code;
    return true;
}

// A reason that needs a description has one, in the field (or fields) the mapping reads it from.
void require_detail(const CompiledMapping& m, Evaluator& ev, const RecordView& r,
                    const DecidingFields& d, const NormalizedResult& n) {
    const auto* info = m.catalog->reason(n.reason);
    if (!info || !info->detail_required || !trim(n.detail).empty() || d.detail_refused) return;
    const auto where = ev.where(d.detail.value_or(d.reason->at));
    std::string names = q(where.field);
    for (const auto& f : m.fields) {
        if (f.standard != Standard::kDetail || f.from.size() < 2) continue;
        names.clear();
        for (const auto& p : f.from)
            names += (names.empty() ? "" : " or ") + q(r.locate(p, f.scope).field);
    }
    ev.error(where, "missing_field",
             "Reason " + q(n.vendor_reason) + " (" + n.reason + ") needs a description in " +
                 names + " saying what happened.");
}

// Reason: required unless COMPLETED or progress; dropped (vendor_reason kept) otherwise.
void map_reason(const CompiledMapping& m, Evaluator& ev, const RecordView& r,
                const DecidingFields& d, NormalizedResult& n) {
    const FieldSpec* reason_spec = spec_of(m, Standard::kReason);
    if (!m.catalog->outcome(n.outcome)->reason_required) return;
    if (!d.reason || !d.reason->present) {
        if (reason_spec)
            ev.error(ev.where(*d.reason), "missing_field",
                     "A result with status " + q(n.vendor_status) + " (" + n.outcome +
                         ") needs a reason code in " + q(ev.where(*d.reason).field) + ".");
        else
            ev.error({n.pointer, ""}, "missing_field",
                     "A result with status " + q(n.vendor_status) + " needs a reason code.");
        return;
    }
    const auto target = ev.map_code(*reason_spec, *d.reason);
    if (!target) return;
    n.reason = target->code;
    // A reason that says by itself what happened pins the outcome (the loader checked the pair
    // against the catalog).
    if (!target->outcome.empty()) n.outcome = target->outcome;
    require_detail(m, ev, r, d, n);
}

// A CRM case id unless the record is route-level; a route-level record needs its route.
void check_case_and_route(Evaluator& ev, const DecidingFields& d, const NormalizedResult& n) {
    if (!n.route_level && n.crm_case_id.empty()) {
        const bool reported = std::any_of(
            ev.errors.begin(), ev.errors.end(),
            [&](const RecordError& e) { return d.crm && e.pointer == ev.where(*d.crm).pointer; });
        if (!reported) {
            const Location where = d.crm ? ev.where(*d.crm) : Location{n.pointer, "crm_case_id"};
            ev.error(where, "missing_field",
                     q(where.field) +
                         " (the city's service request number) is missing; only a "
                         "route-level result may leave it empty.");
        }
    }
    if (n.route_level && (n.route.id.empty() || n.route.date.empty()))
        ev.error({n.pointer, "route"}, "missing_field",
                 "A route-level result must name its route and date.");
}

}  // namespace

RecordResult evaluate_record(const CompiledMapping& m, const RecordView& r) {
    Evaluator ev(m, r);
    NormalizedResult n;
    n.pointer = r.pointer();
    for (const auto& c : m.checks) ev.eval(c);
    const auto deciding = take_fields(m, ev, n);
    const bool status_ok = map_status(m, ev, deciding, n);
    if (deciding.reason && deciding.reason->present) n.vendor_reason = deciding.reason->text;
    if (status_ok && !n.outcome.empty()) map_reason(m, ev, r, deciding, n);
    check_case_and_route(ev, deciding, n);
    RecordResult out;
    out.errors = std::move(ev.errors);
    if (out.errors.empty()) out.result = std::move(n);
    return out;
}

}  // namespace fieldgate::engine
