// Limits on the structure of what the gateway reads from the network, checked before any parser
// sees the bytes (a hostile network, findings 6 and 8). The one place these limits are set:
// vendor adapters (adapters/engine) and every JSON body of the gateway's own routes and MQTT
// topics use them.
//
// - Nesting: at most kMaxJsonDepth levels of JSON arrays/objects and kMaxXmlDepth levels of XML
//   elements. The parsers build a node per level (4 MiB of '[' cost 1.4 s and 340 MB), while
//   no vendor or CRM document nests more than a handful; a deeper body is refused at once.
// - NUL: nlohmann's lexer reads a raw NUL byte as the end of the input and pugixml reads it as
//   the end of a string, so what follows one would be dropped silently. A raw NUL is refused,
//   and so are XML character references to characters XML 1.0 does not allow (&#0;, &#x1; …).
//
// Each scan stops at the first problem: it reads only the prefix before it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fieldgate {

// Results (records: JSON array items, XML records, CSV rows) in one vendor payload. Each result
// becomes an outcome or a quarantine entry in one writer transaction, and a line of the answer:
// 131,000 results of `0` in 256 KiB made 131,000 quarantine rows and a 40 MB answer, holding
// the writer (every other commit) for seconds. A legitimate 4 MiB Bay body holds about 9,000.
inline constexpr std::size_t kMaxResultsPerPayload = 10000;

inline constexpr std::size_t kMaxJsonDepth = 64;  // arrays and objects, the outermost is 1
inline constexpr std::size_t kMaxXmlDepth = 64;   // elements, the root element is 1

struct InputProblem {
    std::size_t offset = 0;  // the byte (0-based) where the body stops being acceptable
    std::string detail;      // what is wrong there, without the offset: "a NUL byte"
};

// JSON text: the first raw NUL byte, or the first '[' / '{' (outside strings) that opens a
// level deeper than `max_depth`. Syntax is the parser's business and not checked here.
std::optional<InputProblem> scan_json(std::string_view body, std::size_t max_depth = kMaxJsonDepth);

// XML text: the first raw NUL byte, start tag deeper than `max_depth`, or character reference
// (in text or an attribute value) to a character XML 1.0 forbids: U+0000-U+0008, U+000B,
// U+000C, U+000E-U+001F, surrogates, U+FFFE, U+FFFF, beyond U+10FFFF. Comments, CDATA,
// processing instructions and DOCTYPE are skipped; quoted attribute values may hold '>'.
std::optional<InputProblem> scan_xml(std::string_view body, std::size_t max_depth = kMaxXmlDepth);

// For the gateway's own JSON bodies (CRM, crew sync, admin, MQTT): the detail of a 400 problem
// ("the body is refused at byte 64: …"), or nothing when scan_json finds nothing.
std::optional<std::string> json_body_problem(std::string_view body);

}  // namespace fieldgate
