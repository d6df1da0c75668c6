// One vendor record, seen through the paths a mapping uses: JSON pointers, XML local-name
// paths or CSV column names. Implemented per payload format (json_source, xml_source,
// csv_source); the field evaluation only talks to this interface.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fieldgate::engine {

enum class Scope { kRecord, kBatch };

struct Scalar {
    enum class Kind {
        kString,     // a JSON string
        kNumber,     // a JSON number (text holds its JSON form)
        kBoolean,    // a JSON boolean
        kText,       // untyped text (XML element, CSV cell): parsed per the field's type
        kStructure,  // an object, array or element with children: not a scalar
    };
    std::string text;
    Kind kind = Kind::kText;
};

// Where a path points, in the vendor's terms.
struct Location {
    std::string pointer;  // JSON pointer, XML element path or "line N, column C"
    std::string field;    // the field as the vendor names it
};

class RecordView {
  public:
    virtual ~RecordView() = default;
    virtual const std::string& pointer() const = 0;  // where the record sits in the payload
    virtual Location locate(const std::string& path, Scope scope) const = 0;
    // nullopt when the path is absent (missing, JSON null, empty XML element or CSV cell).
    virtual std::optional<Scalar> scalar(const std::string& path, Scope scope) const = 0;
    // Every value at the path; a single value counts as a one-element list.
    virtual std::optional<std::vector<Scalar>> list(const std::string& path, Scope scope) const = 0;

    // One element of a list seen through a sub-path (`each` of a string_list field).
    struct Item {
        enum class State {
            kValue,         // `value` is what the element holds at the sub-path
            kAbsent,        // the element holds nothing there (missing, null) or is null itself
            kNotContainer,  // the element is a scalar (`value`), so no sub-path applies
        };
        State state = State::kAbsent;
        Scalar value;
        std::string path;  // the value's (or the element's) path in the record, for locate()
    };
    // The value at `sub` of every element of the list at `path` (a single element counts as a
    // one-element list); nullopt when the path is absent. Formats whose paths already reach
    // into repeated elements (xml, csv) have none: the loader refuses `each` for them.
    virtual std::optional<std::vector<Item>> each(const std::string& /*path*/,
                                                  const std::string& /*sub*/,
                                                  Scope /*scope*/) const {
        return std::nullopt;
    }
};

}  // namespace fieldgate::engine
