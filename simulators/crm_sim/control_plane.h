// The routes under /_ (no signature): POST /_control, GET /_events, GET /_report,
// POST /_reset. Served on the events port and on --control-port.
#pragma once

#include "fault_timeline.h"
#include "receiver.h"
#include "types.h"

namespace fieldgate::crm_sim {

class ControlPlane {
  public:
    ControlPlane(Receiver& receiver, FaultTimeline& timeline)
        : receiver_(receiver), timeline_(timeline) {}

    enum class Port { kEvents, kControl };

    // A mode change is answered once it is in force (so after `down` is answered the events
    // port refuses connections), except `down` asked on the events port itself: that is
    // answered 202 at once, since it is the listener being closed.
    void handle(const http::Request& request, const http::Respond& respond, Port port) const;

    nlohmann::ordered_json report() const;

  private:
    void control(const http::Request& request, const http::Respond& respond, Port port) const;
    void reset(const http::Respond& respond) const;

    Receiver& receiver_;
    FaultTimeline& timeline_;
};

http::Response json_response(int status, const nlohmann::ordered_json& body);
// RFC 9457 problem details.
http::Response problem_response(int status, std::string_view title, std::string detail);

}  // namespace fieldgate::crm_sim
