// A small RFC 4180 reader: quoted fields with delimiters, doubled quotes and line breaks inside
// quotes; CRLF or LF line ends; a UTF-8 byte-order mark at the start is skipped. Blank lines are
// skipped. Each row remembers the line it starts on so errors can name it. A NUL byte anywhere is
// an error (row, column and field named), never part of a field.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldgate::engine {

struct CsvRow {
    std::size_t line = 0;  // 1-based line where the row starts
    std::vector<std::string> fields;
};

struct CsvError {
    std::size_t line = 0;
    std::size_t column = 0;  // 1-based byte column
    std::string detail;
};

struct CsvTable {
    std::vector<CsvRow> rows;  // the header is rows[0]
    std::optional<CsvError> error;
};

CsvTable read_csv(std::string_view text, char delimiter = ',');

}  // namespace fieldgate::engine
