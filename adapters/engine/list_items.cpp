#include "engine/list_items.h"

#include "engine/extract.h"
#include "engine/text.h"
#include "string_limits.h"

namespace fieldgate::engine {

std::optional<std::vector<RecordView::Item>> as_items(std::optional<std::vector<Scalar>> values) {
    if (!values) return std::nullopt;
    std::vector<RecordView::Item> out(values->size());
    for (std::size_t i = 0; i < values->size(); ++i)
        out[i] = {RecordView::Item::State::kValue, std::move((*values)[i]), {}};
    return out;
}

std::optional<RecordError> list_texts(const FieldSpec& f, const RecordView& record,
                                      const std::vector<RecordView::Item>& items,
                                      const Location& list_at, std::vector<std::string>& out) {
    using State = RecordView::Item::State;
    auto q = [](const std::string& s) { return "'" + s + "'"; };
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& item = items[i];
        if (item.state == State::kAbsent) continue;  // `each` found nothing there: skipped
        const bool own_path = !item.path.empty();
        const Location at = own_path ? record.locate(item.path, f.scope) : list_at;
        const std::string name =
            own_path ? q(at.field) : q(at.field) + " item " + std::to_string(i + 1);
        auto refuse = [&](const std::string& code, const std::string& detail) {
            return RecordError{at.pointer, at.field, code, detail};
        };
        const auto& e = item.value;
        const auto shown =
            e.kind == Scalar::Kind::kString ? "\"" + excerpt(e.text) + "\"" : excerpt(e.text);
        if (item.state == State::kNotContainer) {
            return refuse("invalid_type", name + " is " + shown + "; each item of " +
                                              q(list_at.field) + " must be an object holding " +
                                              q(f.each) + ".");
        }
        if (e.kind != Scalar::Kind::kString && e.kind != Scalar::Kind::kText) {
            return refuse("invalid_type",
                          own_path ? name + " must be text; got " + shown + "."
                                   : q(at.field) + " must be a list of text values; item " +
                                         std::to_string(i + 1) + " is " + e.text + ".");
        }
        const auto t = trim(e.text);
        if (auto p = text_problem(e.text, f.max_length);
            p && (p->code != "too_long" || text_problem(t, f.max_length))) {
            return refuse(p->code, name + " " + p->detail + ".");
        }
        if (!t.empty()) out.push_back(t);
    }
    return std::nullopt;
}

}  // namespace fieldgate::engine
