// The values of a string_list field: every element of the list at its path, or with `each`
// the value at a sub-path of every element (an element holding nothing there is skipped).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/mapping.h"
#include "model.h"

namespace fieldgate::engine {

// Plain list values as items (a field without `each`): every one a value.
std::optional<std::vector<RecordView::Item>> as_items(std::optional<std::vector<Scalar>> values);

// The text of each item, trimmed, empty ones left out, into `out`; the first item that cannot
// be taken (not text, a control character, over max_length, an element where `each` cannot
// look) is the error returned, named by its own path when `each` read it (photos.1.href),
// else as "item N" of the list at `list_at`.
std::optional<RecordError> list_texts(const FieldSpec& f, const RecordView& record,
                                      const std::vector<RecordView::Item>& items,
                                      const Location& list_at, std::vector<std::string>& out);

}  // namespace fieldgate::engine
