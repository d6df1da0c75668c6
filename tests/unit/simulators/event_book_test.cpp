// The CRM simulator's event book: de-duplication by webhook-id, the per-subject ordering check
// and the counters.
#include "event_book.h"

#include <gtest/gtest.h>

namespace fieldgate::crm_sim {
namespace {

std::string seq(int n) {
    std::string s = std::to_string(n);
    return std::string(20 - s.size(), '0') + s;
}

StoredEvent event(const std::string& webhook_id, const std::string& subject, int sequence,
                  nlohmann::json body = {{"n", 1}}) {
    StoredEvent e;
    e.webhook_id = webhook_id;
    e.subject = subject;
    e.sequence = seq(sequence);
    e.type_or_status = "gov.sanjose.workorder.completed";
    e.body = std::move(body);
    return e;
}

TEST(EventBook, StoresEventsInArrivalOrder) {
    EventBook book;
    EXPECT_EQ(book.admit(event("evt_1", "SR-1", 1)).admission, Admission::kStored);
    EXPECT_EQ(book.admit(event("evt_2", "SR-2", 1)).admission, Admission::kStored);
    EXPECT_EQ(book.admit(event("evt_3", "SR-1", 2)).admission, Admission::kStored);
    ASSERT_EQ(book.events().size(), 3u);
    EXPECT_EQ(book.events()[0].webhook_id, "evt_1");
    EXPECT_EQ(book.events()[1].webhook_id, "evt_2");
    EXPECT_EQ(book.events()[2].webhook_id, "evt_3");
    EXPECT_EQ(book.counters().stored, 3u);
    EXPECT_EQ(book.counters().subjects, 2u);
    EXPECT_EQ(book.counters().out_of_order, 0u);
}

TEST(EventBook, ADuplicateWebhookIdIsCountedAndStoredOnce) {
    EventBook book;
    book.admit(event("evt_1", "SR-1", 1));
    const auto again = book.admit(event("evt_1", "SR-1", 1));
    EXPECT_EQ(again.admission, Admission::kDuplicate);
    EXPECT_FALSE(again.out_of_order);
    EXPECT_EQ(book.events().size(), 1u);
    EXPECT_EQ(book.counters().stored, 1u);
    EXPECT_EQ(book.counters().duplicates, 1u);
    EXPECT_EQ(book.counters().duplicate_mismatches, 0u);
}

TEST(EventBook, ADuplicateWithAnotherBodyIsAlsoCountedAsMismatch) {
    EventBook book;
    book.admit(event("evt_1", "SR-1", 1, {{"n", 1}}));
    EXPECT_EQ(book.admit(event("evt_1", "SR-1", 1, {{"n", 2}})).admission, Admission::kDuplicate);
    EXPECT_EQ(book.counters().duplicates, 1u);
    EXPECT_EQ(book.counters().duplicate_mismatches, 1u);
    EXPECT_EQ(book.events().at(0).body, nlohmann::json({{"n", 1}}));
}

TEST(EventBook, ALowerSequenceForTheSameSubjectIsOutOfOrderButStored) {
    EventBook book;
    book.admit(event("evt_1", "SR-1", 5));
    const auto late = book.admit(event("evt_2", "SR-1", 3));
    EXPECT_EQ(late.admission, Admission::kStored);
    EXPECT_TRUE(late.out_of_order);
    EXPECT_EQ(book.counters().out_of_order, 1u);
    EXPECT_EQ(book.events().size(), 2u);
    // The highest stays 5: 4 is still behind it.
    EXPECT_TRUE(book.admit(event("evt_3", "SR-1", 4)).out_of_order);
    EXPECT_FALSE(book.admit(event("evt_4", "SR-1", 6)).out_of_order);
    EXPECT_EQ(book.counters().out_of_order, 2u);
}

TEST(EventBook, AnEqualOrHigherSequenceIsInOrder) {
    EventBook book;
    book.admit(event("evt_1", "SR-1", 5));
    EXPECT_FALSE(book.admit(event("evt_2", "SR-1", 5)).out_of_order);
    EXPECT_FALSE(book.admit(event("evt_3", "SR-1", 10)).out_of_order);
    EXPECT_EQ(book.counters().out_of_order, 0u);
}

TEST(EventBook, SubjectsAreOrderedIndependently) {
    EventBook book;
    book.admit(event("evt_1", "SR-1", 100));
    // SR-2 starts low: not out of order, it is another subject.
    EXPECT_FALSE(book.admit(event("evt_2", "SR-2", 1)).out_of_order);
    EXPECT_FALSE(book.admit(event("evt_3", "SR-2", 2)).out_of_order);
    EXPECT_TRUE(book.admit(event("evt_4", "SR-1", 99)).out_of_order);
    EXPECT_EQ(book.counters().out_of_order, 1u);
    EXPECT_EQ(book.counters().subjects, 2u);
}

TEST(EventBook, ADuplicateIsNotJudgedForOrder) {
    EventBook book;
    book.admit(event("evt_1", "SR-1", 1));
    book.admit(event("evt_2", "SR-1", 2));
    // A retry of the first event arrives after the second: a duplicate, not out of order.
    const auto retry = book.admit(event("evt_1", "SR-1", 1));
    EXPECT_EQ(retry.admission, Admission::kDuplicate);
    EXPECT_FALSE(retry.out_of_order);
    EXPECT_EQ(book.counters().out_of_order, 0u);
}

TEST(EventBook, CountsAnswersAndClearForgetsEverything) {
    EventBook book;
    book.count_received();
    book.count_answer(200);
    book.count_answer(200);
    book.count_answer(429);
    book.admit(event("evt_1", "SR-1", 5));
    EXPECT_EQ(book.counters().answered.at(200), 2u);
    EXPECT_EQ(book.counters().answered.at(429), 1u);
    const auto j = to_json(book.counters());
    EXPECT_EQ(j["answered"]["200"], 2);
    EXPECT_EQ(j["answered"]["429"], 1);

    book.clear();
    EXPECT_TRUE(book.events().empty());
    EXPECT_EQ(book.counters().received, 0u);
    EXPECT_TRUE(book.counters().answered.empty());
    // The old webhook-id and the old highest sequence are gone too.
    EXPECT_EQ(book.admit(event("evt_1", "SR-1", 1)).admission, Admission::kStored);
    EXPECT_EQ(book.events().size(), 1u);
    EXPECT_EQ(book.counters().out_of_order, 0u);
}

}  // namespace
}  // namespace fieldgate::crm_sim
