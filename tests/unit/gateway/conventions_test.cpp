// The tree's rules, checked on the sources themselves: SQL and SQLite only in the stores, Beast
// only in the HTTP layer, outcomes only through the IngestService, no source file over 400 lines.
// What still breaks a rule is listed below by name; the lists only shrink: a file that keeps a rule
// and is still listed fails too, so whoever fixes one takes it off.
#include <gtest/gtest.h>

#include "source_tree.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using fieldgate::test::kProductFolders;
using fieldgate::test::read;
using fieldgate::test::sources_under;

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// Every file under `folders` that `breaks` says breaks the rule, but those `allowed` (prefixes).
std::set<std::string> breaking(const std::vector<std::string>& folders,
                               const std::vector<std::string>& allowed,
                               bool (*breaks)(const std::string& text)) {
    std::set<std::string> out;
    for (const auto& file : sources_under(folders)) {
        const bool exempt = std::any_of(allowed.begin(), allowed.end(),
                                        [&](const auto& a) { return starts_with(file, a); });
        if (!exempt && breaks(read(file))) out.insert(file);
    }
    return out;
}

// Reports both directions: new offenders (not listed) and listed files that no longer offend.
void expect_exactly(const std::set<std::string>& found, const std::set<std::string>& listed,
                    const std::string& rule) {
    for (const auto& f : found) EXPECT_TRUE(listed.count(f)) << f << " breaks the rule: " << rule;
    for (const auto& f : listed)
        EXPECT_TRUE(found.count(f))
            << f << " keeps the rule now (" << rule << "): take it off the list";
}

bool holds_sql(const std::string& text) {
    static const std::regex sql(
        R"re("\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|BEGIN|COMMIT|ROLLBACK|PRAGMA|SAVEPOINT|RELEASE|WITH)\s)re");
    for (const char* name : {"sqlite3.h", "sqlite::", "sqlite_connection(", "\"sqlite.h\"",
                             "\"sqlite_transaction.h\""}) {
        if (text.find(name) != std::string::npos) return true;
    }
    return std::regex_search(text, sql);
}

bool uses_beast(const std::string& text) {
    return text.find("boost/beast") != std::string::npos;
}

// The ingest pipeline's steps called directly, instead of through IngestService.
bool ingests_by_hand(const std::string& text) {
    return text.find("apply_ingest(") != std::string::npos ||
           text.find("prepare_ingest(") != std::string::npos;
}

bool too_long(const std::string& text) {
    return std::count(text.begin(), text.end(), '\n') > 400;
}

bool opens_definition(const std::string& line) {
    if (line.empty() ||
        !(std::isalpha(static_cast<unsigned char>(line[0])) || line[0] == '_' || line[0] == '~'))
        return false;
    for (const char* word : {"namespace", "struct", "class", "enum", "using", "template", "typedef",
                             "extern", "static_assert"}) {
        if (starts_with(line, word)) return false;
    }
    return line.find(';') == std::string::npos && line.find("= {") == std::string::npos;
}

// The name a definition line gives: the identifier before its first '('.
std::string defined_name(const std::string& line) {
    const auto paren = line.find('(');
    if (paren == std::string::npos) return line;
    auto begin = line.find_last_of(" *&", paren == 0 ? 0 : paren - 1);
    return line.substr(begin == std::string::npos ? 0 : begin + 1,
                       paren - (begin == std::string::npos ? 0 : begin + 1));
}

// "file name" of each function longer than 80 lines: a definition starts at column 0 (the
// style indents neither namespaces nor free functions) and ends at the next '}' there.
std::set<std::string> long_functions(const std::vector<std::string>& folders) {
    std::set<std::string> out;
    for (const auto& file : sources_under(folders)) {
        std::vector<std::string> lines;
        std::istringstream in(read(file));
        for (std::string l; std::getline(in, l);) lines.push_back(l);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (!opens_definition(lines[i])) continue;
            std::size_t open = i;
            while (open < lines.size() && open < i + 8 &&
                   lines[open].find(';') == std::string::npos &&
                   (lines[open].empty() || lines[open].back() != '{'))
                ++open;
            if (open >= lines.size() || lines[open].empty() || lines[open].back() != '{') continue;
            std::size_t close = open + 1;
            while (close < lines.size() && !starts_with(lines[close], "}")) ++close;
            if (close - i + 1 > 80) out.insert(file + " " + defined_name(lines[i]));
            i = close;
        }
    }
    return out;
}

}  // namespace

// The stores: the gateway's (gateway/store/) and the tablet's own file (offline local_store).
TEST(Conventions, SqlAndSqliteLiveOnlyInTheStores) {
    expect_exactly(
        breaking(kProductFolders, {"gateway/store/", "offline/src/local_store."}, holds_sql), {},
        "SQL and SQLite only in gateway/store/ and the tablet's local_store");
}

// The load generator and the durable-limit server under bench/ are Beast programs by design.
TEST(Conventions, BeastIsCompiledOnlyInTheHttpLayer) {
    expect_exactly(breaking({"gateway", "adapters", "common", "offline", "simulators", "tools"},
                            {"gateway/http/"}, uses_beast),
                   {}, "Beast only in gateway/http/");
}

// Every source of outcomes (vendor route, poller, MQTT, arrivals, crew sync, replay) goes through
// gateway/pipeline/ingest_service.h; only the pipeline itself names its steps.
TEST(Conventions, OutcomesEnterOnlyThroughTheIngestService) {
    expect_exactly(breaking(kProductFolders, {"gateway/pipeline/ingest"}, ingests_by_hand), {},
                   "outcomes only through IngestService (gateway/pipeline/ingest_service.h)");
}

TEST(Conventions, NoSourceFileIsOver400Lines) {
    expect_exactly(breaking({"gateway", "adapters", "common", "offline", "simulators", "tools",
                             "bench", "tests"},
                            {}, too_long),
                   {}, "at most 400 lines");
}

TEST(Conventions, NoFunctionIsOver80Lines) {
    expect_exactly(long_functions(kProductFolders), {}, "at most 80 lines a function");
}

// The rules above must see what they check: a file that breaks each one is found.
TEST(Conventions, TheDetectorsRecogniseWhatTheyLookFor) {
    EXPECT_TRUE(holds_sql("auto q = db.prepare(\"SELECT id FROM work_orders\");"));
    EXPECT_TRUE(holds_sql("#include <sqlite3.h>"));
    EXPECT_TRUE(holds_sql("void f(sqlite::Connection& db);"));
    EXPECT_TRUE(holds_sql("auto& c = store::sqlite_connection(tx);"));
    EXPECT_FALSE(holds_sql("// select the vendor's orders\nstd::string s = \"Selected\";"));
    EXPECT_TRUE(uses_beast("#include <boost/beast/http.hpp>"));
    EXPECT_TRUE(ingests_by_hand("const auto report = apply_ingest(db, ctx, req);"));
    EXPECT_FALSE(ingests_by_hand("const auto report = ingest.apply(db, req);"));
    EXPECT_TRUE(too_long(std::string(401, '\n')));
    EXPECT_FALSE(too_long(std::string(400, '\n')));
    EXPECT_FALSE(sources_under({"gateway"}).empty());
    EXPECT_EQ(defined_name("Poller::Outcome Poller::page(const VendorEntry& vendor,"),
              "Poller::page");
    EXPECT_TRUE(opens_definition("int main(int argc, char** argv) {"));
    EXPECT_FALSE(opens_definition("    return x;"));
    EXPECT_FALSE(opens_definition("constexpr const char* kMigrations[] = {"));
}
