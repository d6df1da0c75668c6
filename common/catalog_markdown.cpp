#include "catalog_markdown.h"

#include <sstream>

namespace fieldgate {

namespace {

// Table cells: a '|' would end the cell and a newline the row.
std::string cell(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n')
            out += ' ';
        else
            out += c;
    }
    return out;
}

std::string evidence_words(const EvidenceRule& e) {
    std::string out;
    auto add = [&out](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
    if (e.photo) add("photo");
    if (e.gps_within_m) {
        std::ostringstream m;
        m << "GPS within " << *e.gps_within_m << " m";
        add(m.str());
    }
    if (e.in_window) add("time in window");
    return out.empty() ? "none" : out;
}

void pairs_matrix(std::ostringstream& md, const Catalog& catalog) {
    std::vector<std::string> outcomes;
    for (const auto& [code, info] : catalog.outcomes())
        if (info.reason_required) outcomes.push_back(code);
    md << "| reason |";
    for (const auto& o : outcomes) md << " " << o << " |";
    md << "\n|---|";
    for (std::size_t i = 0; i < outcomes.size(); ++i) md << ":-:|";
    md << "\n";
    for (const auto& [code, reason] : catalog.reasons()) {
        md << "| `" << code << "` |";
        for (const auto& o : outcomes) md << (catalog.allows(o, code) ? " yes |" : " |");
        md << "\n";
    }
}

}  // namespace

std::string catalog_markdown(const Catalog& catalog) {
    std::ostringstream md;
    md << "# Standard outcomes, reasons and what the resident is told\n\n"
       << "Catalog version **" << catalog.version() << "**. Generated from "
       << "`gateway/catalog/standard-codes.json` by `fieldgate catalog markdown`; do not edit "
       << "by hand (a test fails when this page and the catalog differ).\n\n"
       << "Every outcome a vendor, truck or crew reports is one of these pairs. A reason may come "
       << "only with the outcomes marked below; a vendor mapping that could produce any other "
       << "pair is refused when it is checked or loaded. The message is what the CRM tells the "
       << "resident; its id (`OUTCOME/REASON@version`) travels with every CRM event as "
       << "`customer_message_version` (CloudEvents) or `status_notes_version` (Open311).\n\n"
       << "## Which outcomes each reason may come with\n\n";
    pairs_matrix(md, catalog);
    md << "\n## Messages\n\n"
       << "| outcome | reason | attribution | reschedule | evidence expected | message id | "
          "message |\n|---|---|---|---|---|---|---|\n";
    for (const auto& [code, outcome] : catalog.outcomes()) {
        if (const auto m = catalog.message_for(code, ""))
            md << "| " << code << " | (none) | | | | `" << m->id << "` | " << cell(m->text)
               << " |\n";
    }
    for (const auto& [code, reason] : catalog.reasons()) {
        for (const auto& [outcome, message] : reason.messages) {
            const auto m = catalog.message_for(outcome, code);
            md << "| " << outcome << " | `" << code << "` " << cell(reason.label) << " | "
               << reason.attribution << " | " << (reason.reschedule ? "yes" : "no") << " | "
               << evidence_words(reason.evidence) << " | `" << m->id << "` | " << cell(m->text)
               << " |\n";
        }
    }
    return md.str();
}

}  // namespace fieldgate
