#include "script.h"

#include "bay_format.h"
#include "curbside_format.h"
#include "rng.h"
#include "valley_format.h"

namespace fieldgate::sim {

namespace {

constexpr double kValleyProgressShare = 0.4;  // events notified as allocated and en route first
constexpr double kValleyRenotifyShare = 0.1;  // closing state notified a second time
constexpr double kValleyLateShare = 0.04;     // an en-route notice arriving after the closure

class ScriptBuilder {
  public:
    ScriptBuilder(const Plan& plan, const VendorPlan& vp, const Credentials& creds,
                  const Options& options)
        : plan_(plan),
          vp_(vp),
          creds_(creds),
          options_(options),
          rng_(mix_seed(options.seed, std::string("script/") + vendor_name(vp.vendor))) {}

    std::vector<Payload> build() {
        switch (vp_.vendor) {
            case VendorId::bay:
                bay();
                break;
            case VendorId::valley:
                valley();
                break;
            case VendorId::curbside:
                curbside();
                break;
        }
        return std::move(out_);
    }

  private:
    // --- shared --------------------------------------------------------------------------
    Payload base(std::string kind, std::string label) const {
        Payload p;
        p.kind = std::move(kind);
        p.label = std::move(label);
        switch (vp_.vendor) {
            case VendorId::bay:
                p.content_type = "application/json";
                p.auth = AuthStyle::bay;
                p.bay_key = creds_.bay_key;
                break;
            case VendorId::valley:
                p.content_type = "text/xml; charset=utf-8";
                p.headers = {{"SOAPAction", valley::kSoapAction}};
                break;
            case VendorId::curbside:
                p.content_type = "text/csv";
                p.headers = {{"X-Api-Key", creds_.curbside_key}};
                break;
        }
        return p;
    }

    // Pushes a good payload, then with --retry-share an identical re-send of it.
    void push(Payload p) {
        out_.push_back(p);
        if (!rng_.chance(options_.retry_share)) return;
        Payload retry = std::move(p);
        retry.kind = "retry";
        for (auto& e : retry.expect) {
            if (e != "ok") e = "duplicate";
        }
        out_.push_back(std::move(retry));
    }

    std::optional<BadKind> draw_bad() {
        if (!rng_.chance(options_.bad_share)) return std::nullopt;
        return kBadKinds[rng_.index(std::size(kBadKinds))];
    }

    void bad_headers(Payload& p, BadKind kind) {
        p.kind = "bad";
        p.bad = kind;
        p.expect.clear();
        if (kind == BadKind::wrong_content_type) {
            p.content_type =
                vp_.vendor == VendorId::valley ? "application/json" : "text/plain; charset=utf-8";
        }
        if (kind == BadKind::wrong_credentials) {
            if (vp_.vendor == VendorId::bay) p.bay_key = wrong_secret(creds_.bay_key);
            if (vp_.vendor == VendorId::curbside)
                p.headers = {{"X-Api-Key", wrong_secret(creds_.curbside_key)}};
        }
    }

    // --- Bay Hauling ---------------------------------------------------------------------
    void bay() {
        for (const auto& route : vp_.routes) {
            for (auto i : route.stops) {
                const Order& o = vp_.orders[i];
                if (auto kind = draw_bad()) {
                    Payload b = base("bad", o.crm_case_id);
                    b.body = bay::bad_body(*kind, o, route, plan_.date, rng_);
                    bad_headers(b, *kind);
                    out_.push_back(std::move(b));
                }
                Payload p = base("single", o.crm_case_id);
                p.body = bay::single_body(o, route, plan_.date);
                p.expect = {"accepted"};
                push(std::move(p));
            }
            Payload batch = base("batch", route.id);
            batch.body = bay::batch_body(vp_, route, plan_.date);
            batch.expect.assign(route.stops.size(), "duplicate");
            batch.results = route.stops.size();
            push(std::move(batch));
        }
    }

    // --- Valley Disposal -----------------------------------------------------------------
    Payload valley_notice(const std::string& kind, const Order& o, const valley::Notice& n) {
        Payload p = base(kind, o.crm_case_id);
        p.body = valley::envelope(o, n, plan_.date, creds_.valley_password, rng_);
        p.expect = {"ok"};
        return p;
    }

    void valley() {
        for (const auto& route : vp_.routes) {
            for (auto i : route.stops) {
                const Order& o = vp_.orders[i];
                if (auto kind = draw_bad()) {
                    Payload b = base("bad", o.crm_case_id);
                    b.body =
                        valley::bad_envelope(*kind, o, plan_.date, creds_.valley_password, rng_);
                    bad_headers(b, *kind);
                    out_.push_back(std::move(b));
                }
                const valley::Notice close = valley::closing_notice(o);
                const int start = std::max(6 * 60, close.minute - rng_.between(20, 60));
                const bool progress = rng_.chance(kValleyProgressShare);
                if (progress) {
                    push(valley_notice(
                        "progress", o,
                        {valley::kAllocatedToCrew, "", start, rng_.between(0, 59), false, false}));
                    push(valley_notice("progress", o,
                                       {valley::kEnRoute, "", std::max(start, close.minute - 5),
                                        rng_.between(0, 59), false, false}));
                }
                push(valley_notice("close", o, close));
                if (rng_.chance(kValleyRenotifyShare)) {
                    valley::Notice again = close;
                    again.minute = std::min(close.minute + rng_.between(1, 30), 23 * 60 + 59);
                    push(valley_notice("renotify", o, again));
                }
                if (!progress && rng_.chance(kValleyLateShare)) {
                    push(valley_notice("late_progress", o,
                                       {valley::kEnRoute, "", std::max(start, close.minute - 5),
                                        rng_.between(0, 59), false, false}));
                }
            }
        }
    }

    // --- Curbside Co-op ------------------------------------------------------------------
    void curbside() {
        for (const auto& route : vp_.routes) {
            if (auto kind = draw_bad()) {
                // About a stop that has a row of its own, so nothing route-level is touched.
                std::vector<std::size_t> own;
                for (auto i : route.stops) {
                    if (!vp_.orders[i].route_level) own.push_back(i);
                }
                const Order& o = vp_.orders[own[rng_.index(own.size())]];
                Payload b = base("bad", o.crm_case_id);
                b.body = curbside::bad_file(*kind, vp_, route, o, plan_.date, rng_);
                bad_headers(b, *kind);
                out_.push_back(std::move(b));
            }
            Payload p = base("route_csv", route.id);
            p.body = curbside::route_file(vp_, route, plan_.date, rng_);
            p.results = curbside::route_file_records(vp_, route);
            p.expect.assign(p.results, "accepted");
            push(std::move(p));
        }
    }

    const Plan& plan_;
    const VendorPlan& vp_;
    const Credentials& creds_;
    const Options& options_;
    Rng rng_;
    std::vector<Payload> out_;
};

}  // namespace

std::vector<Payload> build_script(const Plan& plan, const VendorPlan& vp, const Credentials& creds,
                                  const Options& options) {
    return ScriptBuilder(plan, vp, creds, options).build();
}

}  // namespace fieldgate::sim
