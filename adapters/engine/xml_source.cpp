#include "engine/xml_source.h"

#include <cstring>

#include <pugixml.hpp>

#include "engine/text.h"
#include "xml_escape.h"

namespace fieldgate::engine {

namespace {

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto end = slash == std::string::npos ? path.size() : slash;
        if (end > start) out.push_back(path.substr(start, end - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return out;
}

void collect(const pugi::xml_node& node, const std::vector<std::string>& steps, std::size_t i,
             std::vector<pugi::xml_node>& out) {
    if (i == steps.size()) {
        out.push_back(node);
        return;
    }
    for (auto child : node.children()) {
        if (child.type() == pugi::node_element && xml_local_name(child.name()) == steps[i]) {
            collect(child, steps, i + 1, out);
        }
    }
}

std::optional<Scalar> element_value(const pugi::xml_node& n) {
    for (auto child : n.children()) {
        if (child.type() == pugi::node_element)
            return Scalar{"<element>", Scalar::Kind::kStructure};
    }
    std::string text;
    for (auto child : n.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
            text += child.value();
    }
    if (trim(text).empty()) return std::nullopt;
    return Scalar{text, Scalar::Kind::kText};
}

class XmlRecord final : public RecordView {
  public:
    XmlRecord(std::shared_ptr<const pugi::xml_document> doc, pugi::xml_node node,
              std::string pointer)
        : doc_(std::move(doc)), node_(node), pointer_(std::move(pointer)) {}

    const std::string& pointer() const override { return pointer_; }

    Location locate(const std::string& path, Scope) const override {
        return {pointer_ + "/" + path, path};
    }

    std::optional<Scalar> scalar(const std::string& path, Scope) const override {
        std::vector<pugi::xml_node> found;
        collect(node_, split_path(path), 0, found);
        if (found.empty()) return std::nullopt;
        return element_value(found.front());
    }

    std::optional<std::vector<Scalar>> list(const std::string& path, Scope) const override {
        std::vector<pugi::xml_node> found;
        collect(node_, split_path(path), 0, found);
        if (found.empty()) return std::nullopt;
        std::vector<Scalar> out;
        for (const auto& n : found) {
            if (auto v = element_value(n)) out.push_back(*v);
        }
        return out;
    }

  private:
    std::shared_ptr<const pugi::xml_document> doc_;
    pugi::xml_node node_;
    std::string pointer_;
};

}  // namespace

Records read_xml_records(std::string_view body, const RecordsSpec& spec) {
    Records out;
    // Refused before pugixml reads it: nesting past the limit, a NUL byte (the end of the text
    // for pugixml) or a reference to a character XML forbids (&#0; would empty a note).
    if (auto problem = scan_xml(body)) {
        out.payload_error = refused_before_parsing(body, *problem);
        return out;
    }
    auto doc = std::make_shared<pugi::xml_document>();
    const auto parsed =
        doc->load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) {
        const auto at = static_cast<std::size_t>(parsed.offset);
        out.payload_error =
            malformed("", "The body is not well-formed XML (" + line_column(body, at) + ", byte " +
                              std::to_string(at) + "): " + parsed.description() + ".");
        return out;
    }
    out.keep_alive = doc;
    const auto steps = split_path(spec.path);
    std::vector<pugi::xml_node> found;
    collect(*doc, steps, 0, found);
    if (found.empty()) {
        out.payload_error =
            RecordError{"/" + spec.path, spec.path, "missing_field",
                        "The message has no " + spec.path +
                            " element (namespace prefixes do not matter, element names do)."};
        return out;
    }
    out.batch = found.size() > 1;
    for (std::size_t i = 0; i < found.size(); ++i) {
        std::string pointer = "/" + spec.path;
        if (found.size() > 1) pointer += "[" + std::to_string(i + 1) + "]";
        RecordSlot slot;
        slot.view = std::make_unique<XmlRecord>(doc, found[i], pointer);
        out.slots.push_back(std::move(slot));
    }
    return out;
}

}  // namespace fieldgate::engine
