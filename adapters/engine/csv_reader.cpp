#include "engine/csv_reader.h"

namespace fieldgate::engine {

CsvTable read_csv(std::string_view text, char delimiter) {
    CsvTable table;
    const std::size_t bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    text.remove_prefix(bom);

    std::size_t line = 1;
    std::size_t column = 1;
    std::size_t i = 0;
    CsvRow row;
    std::string field;
    bool row_started = false;

    auto end_field = [&] {
        row.fields.push_back(std::move(field));
        field.clear();
    };
    auto end_row = [&] {
        end_field();
        const bool blank = row.fields.size() == 1 && row.fields[0].empty();
        if (!blank) table.rows.push_back(std::move(row));
        row = CsvRow{};
        row_started = false;
    };
    auto newline_at = [&](std::size_t k) -> std::size_t {  // length of the line end at k, or 0
        if (k >= text.size()) return 0;
        if (text[k] == '\n') return 1;
        if (text[k] == '\r') return (k + 1 < text.size() && text[k + 1] == '\n') ? 2 : 1;
        return 0;
    };
    auto fail = [&](std::size_t l, std::size_t c, std::string detail) {
        table.error = CsvError{l, c, std::move(detail)};
        return table;
    };
    // A NUL byte is refused, never kept: stored text ends at the first one, so "a\0b" would
    // become "a" without a word.
    auto nul = [&] {
        return fail(line, column,
                    "field " + std::to_string(row.fields.size() + 1) + " holds a NUL byte (byte " +
                        std::to_string(bom + i) + " of the body), which CSV text does not allow");
    };

    while (i < text.size()) {
        if (!row_started) {
            row.line = line;
            row_started = true;
        }
        const char c = text[i];
        if (c == '"' && field.empty()) {
            // A quoted field: runs to the closing quote; "" is one quote.
            const std::size_t open_line = line;
            const std::size_t open_column = column;
            ++i;
            ++column;
            bool closed = false;
            while (i < text.size()) {
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        column += 2;
                        continue;
                    }
                    ++i;
                    ++column;
                    closed = true;
                    break;
                }
                if (const auto nl = newline_at(i)) {
                    field.append(text.substr(i, nl));
                    i += nl;
                    ++line;
                    column = 1;
                    continue;
                }
                if (text[i] == '\0') return nul();
                field += text[i++];
                ++column;
            }
            if (!closed) {
                return fail(
                    open_line, open_column,
                    "the quoted field that starts here is never closed with a double quote");
            }
            if (i < text.size() && text[i] != delimiter && newline_at(i) == 0) {
                return fail(line, column,
                            "unexpected character after a closing double quote; a quote inside a "
                            "quoted field must be doubled (\"\")");
            }
            if (i >= text.size()) break;
            if (text[i] == delimiter) {
                end_field();
                ++i;
                ++column;
                continue;
            }
            const auto nl = newline_at(i);
            end_row();
            i += nl;
            ++line;
            column = 1;
            continue;
        }
        if (c == delimiter) {
            end_field();
            ++i;
            ++column;
            continue;
        }
        if (const auto nl = newline_at(i)) {
            end_row();
            i += nl;
            ++line;
            column = 1;
            continue;
        }
        if (c == '"') {
            return fail(line, column,
                        "a double quote inside a field that does not start with one; quote the "
                        "whole field and double the inner quote (\"\")");
        }
        if (c == '\0') return nul();
        field += c;
        ++i;
        ++column;
    }
    if (row_started) end_row();
    return table;
}

}  // namespace fieldgate::engine
