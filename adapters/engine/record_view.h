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
};

}  // namespace fieldgate::engine
