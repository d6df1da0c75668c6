#include "engine/csv_source.h"

#include <map>

#include "engine/csv_reader.h"
#include "engine/text.h"

namespace fieldgate::engine {

namespace {

struct Header {
    std::map<std::string, std::size_t> index;
    std::size_t size = 0;
};

class CsvRecord final : public RecordView {
  public:
    CsvRecord(std::shared_ptr<const Header> header, CsvRow row)
        : header_(std::move(header)),
          row_(std::move(row)),
          pointer_("line " + std::to_string(row_.line)) {}

    const std::string& pointer() const override { return pointer_; }

    Location locate(const std::string& column, Scope) const override {
        return {pointer_ + ", column " + column, column};
    }

    std::optional<Scalar> scalar(const std::string& column, Scope) const override {
        auto it = header_->index.find(column);
        if (it == header_->index.end() || it->second >= row_.fields.size()) return std::nullopt;
        const auto& cell = row_.fields[it->second];
        if (trim(cell).empty()) return std::nullopt;
        return Scalar{cell, Scalar::Kind::kText};
    }

    std::optional<std::vector<Scalar>> list(const std::string& column, Scope scope) const override {
        auto v = scalar(column, scope);
        if (!v) return std::nullopt;
        return std::vector<Scalar>{*v};
    }

  private:
    std::shared_ptr<const Header> header_;
    CsvRow row_;
    std::string pointer_;
};

}  // namespace

Records read_csv_records(std::string_view body, const RecordsSpec& spec) {
    Records out;
    out.batch = true;
    auto table = read_csv(body, spec.delimiter);
    if (table.error) {
        out.payload_error = malformed(
            "line " + std::to_string(table.error->line) + ", column " +
                std::to_string(table.error->column),
            "The file is not valid CSV at line " + std::to_string(table.error->line) + ", column " +
                std::to_string(table.error->column) + ": " + table.error->detail + ".");
        return out;
    }
    if (table.rows.empty()) {
        out.payload_error =
            malformed("line 1", "The file is empty; the first line must be the header.");
        return out;
    }
    auto header = std::make_shared<Header>();
    const auto& names = table.rows.front().fields;
    header->size = names.size();
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto name = trim(names[i]);
        if (!header->index.emplace(name, i).second) {
            out.payload_error =
                RecordError{"line " + std::to_string(table.rows.front().line), name, "malformed",
                            "The header names column '" + name + "' twice."};
            return out;
        }
    }
    for (const auto& column : spec.required_columns) {
        if (!header->index.count(column)) {
            out.payload_error = RecordError{
                "line " + std::to_string(table.rows.front().line), column, "missing_field",
                "The header has no column '" + column + "'; the first line must name it."};
            return out;
        }
    }
    for (std::size_t r = 1; r < table.rows.size(); ++r) {
        auto& row = table.rows[r];
        RecordSlot slot;
        if (row.fields.size() != header->size) {
            slot.errors.push_back(RecordError{
                "line " + std::to_string(row.line), "", "malformed",
                "Line " + std::to_string(row.line) + " has " + std::to_string(row.fields.size()) +
                    " fields but the header has " + std::to_string(header->size) +
                    "; quote any field that contains a comma."});
        } else {
            slot.view = std::make_unique<CsvRecord>(header, std::move(row));
        }
        out.slots.push_back(std::move(slot));
    }
    return out;
}

}  // namespace fieldgate::engine
