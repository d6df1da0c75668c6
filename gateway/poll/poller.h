// Polls the vendors whose mapping.json has a `poll` block: it calls the vendor's API with a
// time window or cursor, follows pagination, and stores each page through the one ingest
// pipeline (raw channel "poll"), committing where it stopped in the same transaction. Every
// request to a vendor, a next page too, leaves at least interval_s after the previous one
// ended (longer when the vendor's 429/503 said Retry-After), so a window of many pages takes
// as many slots. Failures are recorded for the vendor's health. Reads the current vendor set
// every tick, so a reload adds, changes or removes polled vendors without a restart.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "http_client.h"
#include "ingest_service.h"
#include "registry.h"
#include "secrets.h"
#include "transaction.h"
#include "writer.h"

namespace fieldgate::poll {

class Poller {
  public:
    using Vendors = std::function<std::shared_ptr<const VendorRegistry>()>;
    // `connection`: the proxy and CA bundle every vendor API is reached with (its origin is
    // each vendor's).
    Poller(Vendors vendors, const SecretStore& secrets, store::Writer& writer,
           IngestService& ingest, http::ClientOptions connection = {});
    ~Poller();  // stops and joins
    Poller(const Poller&) = delete;
    Poller& operator=(const Poller&) = delete;

    // Before start(): whether this gateway polls now (it leads the polling role).
    void lead_with(std::function<bool()> leads) { leads_ = std::move(leads); }
    void start();
    void stop();

  private:
    struct VendorPoll;
    // What one request slot came to: `problem` empty when a page was stored.
    struct Outcome {
        std::string problem;  // never a secret
        std::chrono::seconds wait;
        bool alert = false;  // someone has to act (the vendor's certificate is refused)
    };
    void loop();
    // The vendor's next request, when its time has come; then when the one after may leave.
    void slot(const VendorEntry& vendor, VendorPoll& poll);
    bool load_state(const VendorEntry& vendor, VendorPoll& poll);
    Outcome attempt(const VendorEntry& vendor, VendorPoll& poll);
    // One page: fetched, normalized, stored with the position.
    Outcome page(const VendorEntry& vendor, VendorPoll& poll, http::HeaderList headers);
    std::string prepare_tokens(const PollSpec& spec, VendorPoll& poll);
    void report(const VendorEntry& vendor, VendorPoll& poll, const Outcome& outcome);
    http::ClientResponse fetch(const PollSpec& spec, VendorPoll& poll, const std::string& target,
                               http::HeaderList headers);

    Vendors vendors_;
    const SecretStore& secrets_;
    store::Writer& writer_;
    IngestService& ingest_;
    http::ClientOptions connection_;
    std::map<std::string, std::unique_ptr<VendorPoll>> polls_;  // poller thread only
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
    std::function<bool()> leads_;
    // Whether this gateway led polling at the last tick (poller thread only). A gateway that
    // takes the role (again) reads every position from the store, never from memory: another
    // gateway may have moved it meanwhile.
    bool leading_ = false;
};

}  // namespace fieldgate::poll
