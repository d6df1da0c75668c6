// Reading a truck message's fields by the JSON pointers its vendor's mqtt.json names.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace fieldgate::mqtt {

// The value at `pointer` in `doc`; nullptr when the pointer is empty, invalid or absent.
const nlohmann::json* at_pointer(const nlohmann::json& doc, const std::string& pointer);
// The string / number there; nullopt when absent or of another type.
std::optional<std::string> text_at(const nlohmann::json& doc, const std::string& pointer);
std::optional<double> number_at(const nlohmann::json& doc, const std::string& pointer);

}  // namespace fieldgate::mqtt
