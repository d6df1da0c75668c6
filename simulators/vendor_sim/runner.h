// One vendor's thread: creates its work orders through the CRM API, then sends its script of
// payloads over one keep-alive connection, paced, retrying 503 / Retry-After answers and
// transport errors with the identical body, and records every answer in its tally.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "answers.h"
#include "credentials.h"
#include "http_client.h"
#include "options.h"
#include "pacer.h"
#include "payload.h"
#include "rng.h"
#include "scenario.h"
#include "tally.h"

namespace fieldgate::sim {

class VendorRunner {
  public:
    VendorRunner(const Options& options, const Credentials& creds, const Plan& plan,
                 const VendorPlan& vp, std::vector<Payload> script, Pacer& pacer,
                 LiveCounters& live, VendorTally& tally);

    void create_work_orders();
    void post_results();

  private:
    struct Exchange {
        std::optional<ClientResponse> response;  // the final answer; none when every attempt failed
        bool transport_error = false;            // some attempt failed in transport
        std::string last_error;
    };

    // Sends with retries. `paced_results`: results to pace for (0 = not paced).
    Exchange exchange(const std::string& target, const Payload* payload, const HeaderList& fixed,
                      const std::string& body, std::size_t paced_results);
    HeaderList bay_headers(const Payload& p);
    void record_good(const Payload& p, const Exchange& ex);
    void record_bad(const Payload& p, const Exchange& ex);
    void count_status(int status);

    const Options& options_;
    const Credentials& creds_;
    const Plan& plan_;
    const VendorPlan& vp_;
    std::vector<Payload> script_;
    Pacer& pacer_;
    LiveCounters& live_;
    VendorTally& tally_;
    HttpClient client_;
    Rng ids_;  // request tracking ids: unique, need not be reproducible
};

}  // namespace fieldgate::sim
