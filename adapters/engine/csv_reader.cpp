#include "engine/csv_reader.h"

namespace fieldgate::engine {

namespace {

// One pass over the text, keeping the line and column of where it is for error messages.
class CsvScanner {
  public:
    CsvScanner(std::string_view text, char delimiter) : delimiter_(delimiter) {
        bom_ = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
        text_ = text.substr(bom_);
    }

    CsvTable run() {
        while (i_ < text_.size() && !table_.error) {
            if (!row_started_) {
                row_.line = line_;
                row_started_ = true;
            }
            if (text_[i_] == '"' && field_.empty())
                quoted_field();
            else
                plain_char();
        }
        if (row_started_ && !table_.error) end_row();
        return std::move(table_);
    }

  private:
    void end_field() {
        row_.fields.push_back(std::move(field_));
        field_.clear();
    }
    void end_row() {
        end_field();
        const bool blank = row_.fields.size() == 1 && row_.fields[0].empty();
        if (!blank) table_.rows.push_back(std::move(row_));
        row_ = CsvRow{};
        row_started_ = false;
    }
    // The length of the line end at k, or 0.
    std::size_t newline_at(std::size_t k) const {
        if (k >= text_.size()) return 0;
        if (text_[k] == '\n') return 1;
        if (text_[k] == '\r') return (k + 1 < text_.size() && text_[k + 1] == '\n') ? 2 : 1;
        return 0;
    }
    void advance(std::size_t n = 1) {
        i_ += n;
        column_ += n;
    }
    void next_line(std::size_t newline_length) {
        i_ += newline_length;
        ++line_;
        column_ = 1;
    }
    void fail(std::size_t line, std::size_t column, std::string detail) {
        table_.error = CsvError{line, column, std::move(detail)};
    }
    // A NUL byte is refused, never kept: stored text ends at the first one, so "a\0b" would
    // become "a" without a word.
    void nul() {
        fail(line_, column_,
             "field " + std::to_string(row_.fields.size() + 1) + " holds a NUL byte (byte " +
                 std::to_string(bom_ + i_) + " of the body), which CSV text does not allow");
    }

    // A quoted field: runs to the closing quote; "" is one quote; line ends are kept.
    void quoted_field() {
        const std::size_t open_line = line_;
        const std::size_t open_column = column_;
        advance();
        bool closed = false;
        while (i_ < text_.size() && !closed) {
            if (text_[i_] == '"') {
                const bool doubled = i_ + 1 < text_.size() && text_[i_ + 1] == '"';
                if (doubled) field_ += '"';
                advance(doubled ? 2 : 1);
                closed = !doubled;
            } else if (const auto nl = newline_at(i_)) {
                field_.append(text_.substr(i_, nl));
                next_line(nl);
            } else if (text_[i_] == '\0') {
                return nul();
            } else {
                field_ += text_[i_];
                advance();
            }
        }
        if (!closed)
            return fail(open_line, open_column,
                        "the quoted field that starts here is never closed with a double quote");
        if (i_ >= text_.size()) return;
        if (text_[i_] == delimiter_) {
            end_field();
            return advance();
        }
        if (const auto nl = newline_at(i_)) {
            end_row();
            return next_line(nl);
        }
        fail(line_, column_,
             "unexpected character after a closing double quote; a quote inside a quoted field "
             "must be doubled (\"\")");
    }

    void plain_char() {
        const char c = text_[i_];
        if (c == delimiter_) {
            end_field();
            return advance();
        }
        if (const auto nl = newline_at(i_)) {
            end_row();
            return next_line(nl);
        }
        if (c == '"')
            return fail(line_, column_,
                        "a double quote inside a field that does not start with one; quote the "
                        "whole field and double the inner quote (\"\")");
        if (c == '\0') return nul();
        field_ += c;
        advance();
    }

    std::string_view text_;
    char delimiter_;
    std::size_t bom_ = 0;
    std::size_t i_ = 0;
    std::size_t line_ = 1;
    std::size_t column_ = 1;
    CsvTable table_;
    CsvRow row_;
    std::string field_;
    bool row_started_ = false;
};

}  // namespace

CsvTable read_csv(std::string_view text, char delimiter) {
    return CsvScanner(text, delimiter).run();
}

}  // namespace fieldgate::engine
