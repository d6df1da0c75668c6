#include "read_ahead_pg.h"

#include <algorithm>

#include "pg_rows.h"
#include "work_order_pg.h"

namespace fieldgate::store {

void PgReadAheadCache::forget() {
    by_case_.clear();
    locked_.clear();
    outcomes_.clear();
    outcome_ids_.clear();
    raw_payload_ids_.clear();
}

std::optional<std::optional<WorkOrder>> PgReadAheadCache::work_order_by_case(
    const std::string& case_id) const {
    const auto it = by_case_.find(case_id);
    if (it == by_case_.end()) return std::nullopt;
    return it->second;
}

const std::vector<OutcomeRow>* PgReadAheadCache::outcomes(const std::string& work_order_id,
                                                          const std::string& content_hash) const {
    const auto it = outcomes_.find({work_order_id, content_hash});
    return it == outcomes_.end() ? nullptr : &it->second;
}

void PgReadAheadCache::add_work_order(WorkOrder wo) {
    locked_.insert(wo.id);
    auto case_id = wo.crm_case_id;
    by_case_[case_id] = std::move(wo);
}

void PgReadAheadCache::add_outcome(OutcomeRow row) {
    const auto it = outcomes_.find({row.work_order_id, row.content_hash});
    if (it != outcomes_.end()) it->second.push_back(std::move(row));
}

void PgReadAheadCache::add_ids(std::int64_t outcome_id, std::int64_t raw_payload_id) {
    if (outcome_id > 0) outcome_ids_.push_back(outcome_id);
    if (raw_payload_id > 0) raw_payload_ids_.push_back(raw_payload_id);
}

void PgReadAheadCache::drop_work_order(const std::string& id) {
    std::erase_if(by_case_,
                  [&id](const auto& entry) { return entry.second && entry.second->id == id; });
}

namespace {

std::optional<std::int64_t> take_first(std::deque<std::int64_t>& ids) {
    if (ids.empty()) return std::nullopt;
    const auto id = ids.front();
    ids.pop_front();
    return id;
}

}  // namespace

std::optional<std::int64_t> PgReadAheadCache::take_outcome_id(const std::string& work_order_id) {
    if (!locked_.contains(work_order_id)) return std::nullopt;
    return take_first(outcome_ids_);
}

std::optional<std::int64_t> PgReadAheadCache::take_raw_payload_id() {
    return take_first(raw_payload_ids_);
}

namespace {

// The batch's reads as one: each case id and hash once, the row counts summed.
ReadAhead merged(const std::vector<const ReadAhead*>& jobs) {
    ReadAhead w;
    for (const auto* job : jobs) {
        w.crm_case_ids.insert(w.crm_case_ids.end(), job->crm_case_ids.begin(),
                              job->crm_case_ids.end());
        w.content_hashes.insert(w.content_hashes.end(), job->content_hashes.begin(),
                                job->content_hashes.end());
        w.new_outcomes += job->new_outcomes;
        w.new_raw_payloads += job->new_raw_payloads;
    }
    for (auto* list : {&w.crm_case_ids, &w.content_hashes}) {
        std::sort(list->begin(), list->end());
        list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    return w;
}

}  // namespace

// One round trip per batch, with the batch's BEGIN: the work orders locked in id order (two
// gateways locking the same orders then wait for each other instead of deadlocking), their
// outcomes with the batch's content hashes, and the ids, reserved once the orders are locked.
void PgWorkOrderRepository::read_ahead(const std::vector<const ReadAhead*>& jobs) {
    cache_.forget();
    if (!locks_rows() || jobs.empty()) return;
    const auto wanted = merged(jobs);
    const auto n = std::max(wanted.new_outcomes, wanted.new_raw_payloads);
    std::vector<std::pair<std::string, pg::Params>> asks;
    if (!wanted.crm_case_ids.empty()) {
        asks.emplace_back(std::string("SELECT ") + pg_rows::kWorkOrderStateColumns +
                              " FROM work_orders WHERE crm_case_id = ANY($1::text[]) "
                              "ORDER BY id FOR UPDATE",
                          pg::Params().text_array(wanted.crm_case_ids));
        asks.emplace_back(
            std::string("SELECT ") + pg_rows::kOutcomeColumns +
                " FROM outcomes WHERE work_order_id IN (SELECT id FROM work_orders "
                "WHERE crm_case_id = ANY($1::text[])) AND content_hash = ANY($2::text[])",
            pg::Params().text_array(wanted.crm_case_ids).text_array(wanted.content_hashes));
    }
    if (n > 0)
        asks.emplace_back(
            "SELECT CASE WHEN g <= $1 THEN nextval('outcomes_id_seq') END, "
            "CASE WHEN g <= $2 THEN nextval('raw_payloads_id_seq') END "
            "FROM generate_series(1, $3) AS g",
            pg::Params()
                .integer(static_cast<std::int64_t>(wanted.new_outcomes))
                .integer(static_cast<std::int64_t>(wanted.new_raw_payloads))
                .integer(static_cast<std::int64_t>(n)));
    if (asks.empty()) return;
    const auto answers = db_->query_together(asks);
    if (!wanted.crm_case_ids.empty()) {
        const auto& orders = answers[0];
        for (const auto& c : wanted.crm_case_ids) cache_.add_missing_case(c);
        for (int i = 0; i < orders.rows(); ++i) {
            auto wo = pg_rows::read_work_order(orders, i);
            for (const auto& h : wanted.content_hashes) cache_.cover_outcomes(wo.id, h);
            cache_.add_work_order(std::move(wo));
        }
        const auto& outcomes = answers[1];
        for (int i = 0; i < outcomes.rows(); ++i)
            cache_.add_outcome(pg_rows::read_outcome(outcomes, i));
    }
    if (n == 0) return;
    const auto& ids = answers.back();
    for (int i = 0; i < ids.rows(); ++i)
        cache_.add_ids(ids.optional_integer(i, 0).value_or(0),
                       ids.optional_integer(i, 1).value_or(0));
}

}  // namespace fieldgate::store
