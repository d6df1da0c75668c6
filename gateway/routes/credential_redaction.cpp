// redact_credentials (vendor_auth.h): credentials are removed by structure, not by pattern. The
// body is parsed as the adapter parses it, every WS-Security Password element is emptied in the
// tree (text, CDATA, entity references, text split by comments: all of it is character data of
// the element), and the tree is written back. A body that does not parse has the whole Security
// element cut out of the raw bytes instead, up to its end tag or, without one, to the end.
#include <pugixml.hpp>

#include <sstream>
#include <string_view>

#include "vendor_auth.h"
#include "xml_escape.h"

namespace fieldgate {
namespace {

constexpr std::string_view kRedacted = "[redacted]";

// Every element named Password (any prefix) inside an element named Security (any prefix).
void empty_passwords(pugi::xml_node node, bool in_security, int& emptied) {
    for (auto child : node.children()) {
        if (child.type() != pugi::node_element) continue;
        const auto name = xml_local_name(child.name());
        if (in_security && name == "Password") {
            while (auto c = child.first_child()) child.remove_child(c);
            child.append_child(pugi::node_pcdata).set_value(std::string(kRedacted).c_str());
            ++emptied;
            continue;
        }
        empty_passwords(child, in_security || name == "Security", emptied);
    }
}

// Offset of the first "<prefix:Security" (or "<Security") start tag, npos when none.
std::size_t security_start(std::string_view body) {
    for (std::size_t at = body.find('<'); at != std::string_view::npos;
         at = body.find('<', at + 1)) {
        std::size_t end = at + 1;
        while (end < body.size() && body[end] != '>' && body[end] != ' ' && body[end] != '/' &&
               body[end] != '\t' && body[end] != '\r' && body[end] != '\n')
            ++end;
        const auto name = body.substr(at + 1, end - at - 1);
        if (xml_local_name(name) == "Security") return at;
    }
    return std::string_view::npos;
}

std::string cut_security_element(const std::string& body) {
    const auto start = security_start(body);
    if (start == std::string::npos) return body;
    std::size_t end = body.size();
    for (std::size_t close = body.find("</", start); close != std::string::npos;
         close = body.find("</", close + 2)) {
        const auto gt = body.find('>', close);
        if (gt == std::string::npos) break;
        std::string_view name(body.data() + close + 2, gt - close - 2);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
        if (xml_local_name(name) == "Security") {
            end = gt + 1;
            break;
        }
    }
    return body.substr(0, start) + "<!-- WS-Security header removed: credentials -->" +
           body.substr(end);
}

}  // namespace

std::string redact_credentials(const VendorSpec& spec, const std::string& body) {
    if (!credentials_in_body(spec)) return body;  // header credentials are never stored
    pugi::xml_document doc;
    const unsigned options = pugi::parse_full | pugi::parse_ws_pcdata;
    if (!doc.load_buffer(body.data(), body.size(), options, pugi::encoding_utf8))
        return cut_security_element(body);
    int emptied = 0;
    empty_passwords(doc, false, emptied);
    if (emptied == 0) return body;
    std::ostringstream out;
    doc.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
    return out.str();
}

}  // namespace fieldgate
