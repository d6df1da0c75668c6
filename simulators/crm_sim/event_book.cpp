#include "event_book.h"

namespace fieldgate::crm_sim {

namespace {

// Sequences are equal-length digit strings; comparing the length first keeps the order
// numeric for shorter ones too.
bool sequence_less(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return a.size() < b.size();
    return a < b;
}

}  // namespace

AdmitResult EventBook::admit(StoredEvent event) {
    AdmitResult result;
    const auto known = index_by_webhook_id_.find(event.webhook_id);
    if (known != index_by_webhook_id_.end()) {
        ++counters_.duplicates;
        if (events_[known->second].body != event.body) ++counters_.duplicate_mismatches;
        result.admission = Admission::kDuplicate;
        return result;
    }
    auto [highest, first_of_subject] = highest_sequence_.try_emplace(event.subject, event.sequence);
    if (!first_of_subject) {
        if (sequence_less(event.sequence, highest->second)) {
            result.out_of_order = true;
            ++counters_.out_of_order;
        } else {
            highest->second = event.sequence;
        }
    }
    index_by_webhook_id_.emplace(event.webhook_id, events_.size());
    events_.push_back(std::move(event));
    ++counters_.stored;
    counters_.subjects = highest_sequence_.size();
    return result;
}

void EventBook::clear() {
    events_.clear();
    index_by_webhook_id_.clear();
    highest_sequence_.clear();
    counters_ = Counters{};
}

nlohmann::ordered_json to_json(const StoredEvent& e) {
    return {{"webhook_id", e.webhook_id},
            {"profile", profile_name(e.profile)},
            {"subject", e.subject},
            {"sequence", e.sequence},
            {"type_or_status", e.type_or_status},
            {"received_at", e.received_at},
            {"body", e.body}};
}

nlohmann::ordered_json to_json(const Counters& c) {
    nlohmann::ordered_json answered = nlohmann::ordered_json::object();
    for (const auto& [status, n] : c.answered) answered[std::to_string(status)] = n;
    return {{"received", c.received},         {"stored", c.stored},
            {"duplicates", c.duplicates},     {"duplicate_mismatches", c.duplicate_mismatches},
            {"out_of_order", c.out_of_order}, {"bad_signatures", c.bad_signatures},
            {"bad_tokens", c.bad_tokens},     {"malformed", c.malformed},
            {"rejected", c.rejected},         {"faulted", c.faulted},
            {"answered", answered},           {"subjects", c.subjects}};
}

}  // namespace fieldgate::crm_sim
