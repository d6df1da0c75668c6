// The transport / auth / response part of a mapping.json -> VendorSpec, with the cross-field
// checks the meta-schema leaves to code (an api_key_header scheme needs a header, ...).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "load_error.h"
#include "vendor_spec.h"

namespace fieldgate::engine {

std::vector<LoadError> parse_vendor_spec(const nlohmann::json& doc, const std::string& file,
                                         VendorSpec& out);

// The `poll` block (adapters/engine/poll_spec_parser.cpp).
void parse_poll_spec(const nlohmann::json& doc, const std::string& file, VendorSpec& out,
                     std::vector<LoadError>& errors);

// "http://host[:port]/path" -> host, port (80 when absent), target ("/" at least).
// An `oauth2` block (the meta-schema checked its shape).
OAuth2Spec parse_oauth2(const nlohmann::json& block);

bool parse_http_url(const std::string& url, std::string& host, std::uint16_t& port,
                    std::string& target);

// "<version>+<first 8 hex chars of sha256(bytes)>"
std::string mapping_version(const std::string& version, const std::string& file_bytes);

}  // namespace fieldgate::engine
