// --tally: one status line a second on stderr, rewritten in place.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "receiver.h"

namespace fieldgate::crm_sim {

class LiveTally {
  public:
    LiveTally(const Receiver& receiver, bool enabled);
    ~LiveTally();
    LiveTally(const LiveTally&) = delete;
    LiveTally& operator=(const LiveTally&) = delete;

    void stop();

  private:
    void run();

    const Receiver& receiver_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace fieldgate::crm_sim
