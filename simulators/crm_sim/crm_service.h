// The HTTP edge: routes /_... to the control plane and, on the events port, POST /oauth2/token
// to the token issuer and every other POST to the Receiver. Copies headers in and the Reply out;
// slow answers go to the DelayedResponder.
#pragma once

#include <cstddef>

#include "control_plane.h"
#include "delayed_responder.h"
#include "receiver.h"
#include "types.h"

namespace fieldgate::crm_sim {

class CrmService : public http::Service {
  public:
    static constexpr std::size_t kEventBodyLimit = 1024 * 1024;
    static constexpr std::size_t kControlBodyLimit = 64 * 1024;

    CrmService(ControlPlane::Port port, Receiver& receiver, const ControlPlane& control,
               DelayedResponder& delayed)
        : port_(port), receiver_(receiver), control_(control), delayed_(delayed) {}

    std::size_t body_limit(const http::Request& head) const override;
    void handle(http::Request request, http::Respond respond) override;

  private:
    void receive(const http::Request& request, const http::Respond& respond);
    void token(const http::Request& request, const http::Respond& respond);

    const ControlPlane::Port port_;
    Receiver& receiver_;
    const ControlPlane& control_;
    DelayedResponder& delayed_;
};

}  // namespace fieldgate::crm_sim
