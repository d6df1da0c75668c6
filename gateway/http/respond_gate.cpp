#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "session.h"

namespace fieldgate::http {

namespace net = boost::asio;

void RespondGate::hand_over(const net::any_io_executor& strand, std::function<void()> deliver) {
    bool first = false;
    {
        std::lock_guard lock(inbox_mutex_);
        first = inbox_.empty();
        inbox_.emplace_back(strand, std::move(deliver));
    }
    // Only the first answer of a burst posts; the rest ride on its drain.
    if (first) net::post(strand, [self = shared_from_this()] { self->drain(); });
}

void RespondGate::drain() {
    std::vector<std::pair<net::any_io_executor, std::function<void()>>> answers;
    {
        std::lock_guard lock(inbox_mutex_);
        answers.swap(inbox_);
    }
    // With one I/O thread every strand is this thread and each answer runs here and now; with
    // more, an answer for a connection served elsewhere is posted to its own strand.
    for (auto& [strand, deliver] : answers) net::dispatch(strand, std::move(deliver));
}

}  // namespace fieldgate::http
