#include "events_log.h"

#include <iostream>
#include <stdexcept>

namespace fieldgate::crm_sim {

EventsLog::EventsLog(std::string path) : path_(std::move(path)) {
    truncate();
    if (!out_) throw std::runtime_error("cannot write " + path_);
}

void EventsLog::append(const StoredEvent& e) {
    out_ << to_json(e).dump() << '\n' << std::flush;
    if (!out_) std::cerr << "fieldgate-crm-sim: writing " << path_ << " failed\n";
}

void EventsLog::truncate() {
    out_.close();
    out_.clear();
    out_.open(path_, std::ios::out | std::ios::trunc);
}

}  // namespace fieldgate::crm_sim
