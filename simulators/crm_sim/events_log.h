// --events-out: every stored event as one JSON line, flushed as it is stored, so the file is
// complete even if the simulator is killed. /_reset empties it.
#pragma once

#include <fstream>
#include <string>

#include "event_book.h"

namespace fieldgate::crm_sim {

class EventsLog {
  public:
    // Truncates or creates the file; throws std::runtime_error when it cannot.
    explicit EventsLog(std::string path);

    // Not thread-safe: the Receiver calls both under its lock.
    void append(const StoredEvent& e);
    void truncate();

  private:
    std::string path_;
    std::ofstream out_;
};

}  // namespace fieldgate::crm_sim
