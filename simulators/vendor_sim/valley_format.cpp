#include "valley_format.h"

#include <map>
#include <sstream>

#include "xml_escape.h"

namespace fieldgate::sim::valley {

namespace {

const std::map<std::string, std::string>& resolution_codes() {
    static const std::map<std::string, std::string> kCodes = {
        {"NOT_SET_OUT", "12"},                // "Not Presented"
        {"INSTRUCTIONS_NOT_FOLLOWED", "13"},  // "Incorrectly Presented "
        {"CUSTOMER_CANCELLED", "101"},        // "Cancelled by resident "
        {"ITEMS_NOT_LISTED", "23"},           // "Extra items presented "
        {"OVER_SIZE_LIMIT", "24"},            // "Oversize / over height "
        {"UNACCEPTABLE_ITEMS", "21"},         // "Contaminated "
        {"SAFETY_HAZARD", "22"},              // "Safety concern"
        {"WRONG_WORK_ORDER_TYPE", "25"},      // "Wrong service type"
        {"INACCURATE_INFO", "26"},            // "Address not found "
        {"ACCESS_BLOCKED", "100"},            // "No Access "
        {"VEHICLE_ISSUE", "31"},              // "Breakdown "
    };
    return kCodes;
}

const std::map<std::string, std::vector<std::string>>& notes() {
    static const std::map<std::string, std::vector<std::string>> kNotes = {
        {"NOT_SET_OUT", {"Nothing presented at kerb", "No items out, resident not home"}},
        {"INSTRUCTIONS_NOT_FOLLOWED",
         {"Items bagged with household trash", "Pile mixed with green waste"}},
        {"CUSTOMER_CANCELLED", {"Resident cancelled at the door"}},
        {"ITEMS_NOT_LISTED",
         {"Extra items presented, mattress not on job", "Two extra chairs left"}},
        {"OVER_SIZE_LIMIT", {"Pile over height, approx 5 ft"}},
        {"UNACCEPTABLE_ITEMS", {"Paint cans & tires in pile", "Contaminated with e-waste"}},
        {"SAFETY_HAZARD", {"Low wires over pile", "Aggressive dog in yard"}},
        {"WRONG_WORK_ORDER_TYPE", {"Yard waste, not bulky items"}},
        {"INACCURATE_INFO", {"Address not found on street"}},
        {"ACCESS_BLOCKED", {"Car parked over the pile", "Gate locked"}},
        {"VEHICLE_ISSUE", {"Truck breakdown <hydraulics>, crew returned to yard"}},
    };
    return kNotes;
}

// Namespace prefixes as different Valley releases write them.
struct Style {
    std::string soap;  // envelope prefix
    std::string ens;   // event prefix; empty = default namespace on NotifyEventUpdated
    std::string wsse;
    bool declaration = false;
    bool password_type = false;
};

Style pick_style(Rng& rng) {
    switch (rng.between(0, 3)) {
        case 0:
            return {"soap", "ens", "wsse", false, false};
        case 1:
            return {"s", "", "o", true, false};
        case 2:
            return {"SOAP-ENV", "v", "wsse", true, true};
        default:
            return {"soapenv", "ns1", "sec", rng.chance(0.5), rng.chance(0.5)};
    }
}

struct Fields {
    std::optional<std::string> guid, client_reference, event_type, state, resolution;
    std::string date_time;
    int offset = -480;
    std::string crew, vehicle, notes;
    std::vector<std::string> images;
    bool has_images = true;
};

std::string render(const Fields& f, const std::string& password, const Style& s) {
    const std::string e = s.ens.empty() ? "" : s.ens + ":";
    std::ostringstream x;
    auto el = [&](const char* name, const std::optional<std::string>& v) {
        if (v) x << "        <" << e << name << ">" << xml_escape(*v) << "</" << e << name << ">\n";
    };
    if (s.declaration) x << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
    x << "<" << s.soap << ":Envelope xmlns:" << s.soap
      << "=\"http://schemas.xmlsoap.org/soap/envelope/\"";
    if (!s.ens.empty()) x << "\n    xmlns:" << s.ens << "=\"http://valleydisposal.example/ens\"";
    x << ">\n  <" << s.soap << ":Header>\n";
    x << "    <" << s.wsse << ":Security xmlns:" << s.wsse
      << "=\"http://docs.oasis-open.org/wss/2004/01/"
         "oasis-200401-wss-wssecurity-secext-1.0.xsd\">\n";
    x << "      <" << s.wsse << ":UsernameToken>\n";
    x << "        <" << s.wsse << ":Username>" << kUsername << "</" << s.wsse << ":Username>\n";
    x << "        <" << s.wsse << ":Password";
    if (s.password_type) {
        x << " Type=\"http://docs.oasis-open.org/wss/2004/01/"
             "oasis-200401-wss-username-token-profile-1.0#PasswordText\"";
    }
    x << ">" << xml_escape(password) << "</" << s.wsse << ":Password>\n";
    x << "      </" << s.wsse << ":UsernameToken>\n    </" << s.wsse << ":Security>\n";
    x << "  </" << s.soap << ":Header>\n  <" << s.soap << ":Body>\n";
    if (s.ens.empty()) {
        x << "    <NotifyEventUpdated xmlns=\"http://valleydisposal.example/ens\">\n";
    } else {
        x << "    <" << e << "NotifyEventUpdated>\n";
    }
    x << "      <" << e << "event>\n";
    el("Guid", f.guid);
    el("ClientReference", f.client_reference);
    el("EventTypeId", f.event_type);
    el("EventStateId", f.state);
    el("ResolutionCodeId", f.resolution);
    x << "        <" << e << "LastUpdatedDate>\n";
    x << "          <" << e << "DateTime>" << f.date_time << "</" << e << "DateTime>\n";
    x << "          <" << e << "OffsetMinutes>" << f.offset << "</" << e << "OffsetMinutes>\n";
    x << "        </" << e << "LastUpdatedDate>\n";
    el("CrewId", f.crew);
    el("Vehicle", f.vehicle);
    if (!f.notes.empty()) el("Notes", f.notes);
    if (f.has_images) {
        if (f.images.empty()) {
            x << "        <" << e << "Images/>\n";
        } else {
            x << "        <" << e << "Images>\n";
            for (const auto& url : f.images) {
                x << "          <" << e << "Image><" << e << "Url>" << xml_escape(url) << "</" << e
                  << "Url></" << e << "Image>\n";
            }
            x << "        </" << e << "Images>\n";
        }
    }
    x << "      </" << e << "event>\n    </" << e << "NotifyEventUpdated>\n";
    x << "  </" << s.soap << ":Body>\n</" << s.soap << ":Envelope>\n";
    return x.str();
}

Fields fields(const Order& o, const Notice& n, const CivilDate& date) {
    Rng q(o.quirk_seed ^ 0x7A11EULL);
    Fields f;
    f.guid = o.vendor_ref;
    f.client_reference = o.crm_case_id;
    f.event_type = o.service_type == "illegal_dumping" ? "944" : "943";
    f.state = n.state;
    if (!n.resolution.empty()) f.resolution = n.resolution;
    f.date_time = n.sentinel_date ? "1900-01-01T00:00:00" : local_iso(date, n.minute, n.second);
    f.offset = pacific_offset_minutes(date);
    const std::size_t crew = o.route_id.empty() ? 0 : mix_seed(0, o.route_id) % 30;
    f.crew = "VD-CREW-" + std::to_string(10 + crew);
    f.vehicle = "VD-" + std::to_string(20 + crew);
    const bool closing = n.state != kAllocatedToCrew && n.state != kEnRoute;
    if (closing && !o.detail.empty()) f.notes = o.detail;
    // Images: often absent entirely, sometimes an empty element, else one or many.
    f.has_images = q.chance(0.7);
    if (n.images && f.has_images) {
        const int count = q.chance(0.5) ? 1 : q.between(2, 4);
        for (int i = 0; i < count; ++i) {
            f.images.push_back("https://ens.valleydisposal.example/img/" +
                               std::to_string(q.between(10000, 999999)) + ".jpg");
        }
    }
    return f;
}

}  // namespace

void assign_codes(Order& o, Rng& rng) {
    if (o.intent.outcome == "COMPLETED") {
        o.vendor_status = kCompleted;
        o.detail = rng.chance(0.3) ? "Collected all items" : "";
        return;
    }
    o.vendor_code = resolution_codes().at(o.intent.reason);
    o.detail = rng.pick(notes().at(o.intent.reason));
    if (o.intent.outcome == "PARTIALLY_COMPLETED") {
        o.vendor_status = kPartially;
        return;
    }
    // Valley "rejects" jobs it should not have had; the city maps that to not collected.
    const bool rejectable =
        o.intent.reason == "WRONG_WORK_ORDER_TYPE" || o.intent.reason == "INACCURATE_INFO";
    o.vendor_status = (rejectable && rng.chance(0.5)) ? kRejected : kNotCompleted;
}

Notice closing_notice(const Order& o) {
    Rng q(o.quirk_seed ^ 0xC105EULL);
    Notice n;
    n.state = o.vendor_status;
    n.resolution = o.vendor_code;
    n.minute = o.closed_minute;
    n.second = o.closed_second;
    n.sentinel_date = q.chance(0.05);
    n.images = o.intent.outcome != "COMPLETED" || q.chance(0.3);
    return n;
}

std::string envelope(const Order& o, const Notice& n, const CivilDate& date,
                     const std::string& password, Rng& rng) {
    return render(fields(o, n, date), password, pick_style(rng));
}

std::string bad_envelope(BadKind kind, const Order& o, const CivilDate& date,
                         const std::string& password, Rng& rng) {
    Fields f = fields(o, closing_notice(o), date);
    const Style style = pick_style(rng);
    switch (kind) {
        case BadKind::malformed: {
            std::string body = render(f, password, style);
            if (rng.chance(0.5)) return body.substr(0, body.size() / 2);  // cut off mid-element
            const std::string e = style.ens.empty() ? "" : style.ens + ":";
            const std::string close = "</" + e + "ClientReference>";
            if (auto at = body.find(close); at != std::string::npos)
                body.replace(at, close.size(), "</" + e + "ClientRef>");
            return body;
        }
        case BadKind::unmapped_code:
            if (rng.chance(0.5)) {
                f.state = kNotCompleted;
                f.resolution = rng.chance(0.5) ? "99" : "57";
            } else {
                f.state = "7699";
            }
            return render(f, password, style);
        case BadKind::missing_field:
            switch (rng.between(0, 2)) {
                case 0:
                    f.client_reference.reset();
                    break;
                case 1:
                    f.guid.reset();
                    break;
                default:  // "Not Completed" without a resolution code
                    f.state = kNotCompleted;
                    f.resolution.reset();
                    break;
            }
            return render(f, password, style);
        case BadKind::wrong_credentials:
            return render(f, password + "-wrong", style);
        case BadKind::unknown_sr:
            f.guid = rng.uuid();
            f.client_reference = o.crm_case_id + "-NOSUCH";
            return render(f, password, style);
        case BadKind::wrong_content_type:
            return render(f, password, style);
    }
    return render(f, password, style);
}

}  // namespace fieldgate::sim::valley
