// No dependency cycle between folders: the top-level folders and the gateway's own (gateway/app,
// gateway/store, ...) form layers, where a folder may use those below it and never one above.
// An include names a header by file name; it is resolved to the folder that holds it, preferring
// the includer's own top-level folder (adapters/engine/records.h vs gateway/store/records.h).
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <regex>
#include <set>

#include "source_tree.h"

namespace fieldgate::test {
namespace {

using Graph = std::map<std::string, std::set<std::string>>;

// "gateway/store/sqlite/writer.cpp" -> "gateway/store"; "common/ids.h" -> "common".
std::string folder_of(const std::string& file) {
    const auto first = file.find('/');
    if (file.compare(0, first, "gateway") != 0) return file.substr(0, first);
    const auto second = file.find('/', first + 1);
    return second == std::string::npos ? "gateway" : file.substr(0, second);
}

std::string top_of(const std::string& file) {
    return file.substr(0, file.find('/'));
}

Graph include_graph(const std::vector<std::string>& files) {
    std::multimap<std::string, std::string> headers;  // file name -> path
    for (const auto& f : files)
        if (f.size() > 2 && f.compare(f.size() - 2, 2, ".h") == 0)
            headers.emplace(f.substr(f.rfind('/') + 1), f);
    static const std::regex include(R"re(#include "([^"]+)")re");
    Graph graph;
    for (const auto& file : files) {
        const auto text = read(file);
        for (std::sregex_iterator it(text.begin(), text.end(), include), end; it != end; ++it) {
            const std::string named = (*it)[1];
            const auto [first, last] = headers.equal_range(named.substr(named.rfind('/') + 1));
            std::vector<std::string> found;
            for (auto h = first; h != last; ++h)
                if (h->second.size() >= named.size() &&
                    h->second.compare(h->second.size() - named.size(), named.size(), named) == 0)
                    found.push_back(h->second);
            if (found.size() > 1)
                std::erase_if(found, [&](const auto& h) { return top_of(h) != top_of(file); });
            for (const auto& h : found)
                if (folder_of(h) != folder_of(file)) graph[folder_of(file)].insert(folder_of(h));
        }
    }
    return graph;
}

// One cycle as "a -> b -> a", or "" when the graph has none.
std::string find_cycle(const Graph& graph) {
    std::map<std::string, int> state;  // 1 on the current path, 2 done
    std::vector<std::string> path;
    std::string cycle;
    std::function<bool(const std::string&)> visit = [&](const std::string& v) {
        state[v] = 1;
        path.push_back(v);
        if (auto it = graph.find(v); it != graph.end()) {
            for (const auto& w : it->second) {
                if (state[w] == 1) {
                    auto from = std::find(path.begin(), path.end(), w);
                    for (; from != path.end(); ++from) cycle += *from + " -> ";
                    cycle += w;
                    return true;
                }
                if (state[w] == 0 && visit(w)) return true;
            }
        }
        path.pop_back();
        state[v] = 2;
        return false;
    };
    for (const auto& [v, _] : graph)
        if (state[v] == 0 && visit(v)) return cycle;
    return "";
}

TEST(FolderLayers, NoFolderDependsOnAFolderThatDependsOnIt) {
    const auto graph = include_graph(sources_under(kProductFolders));
    EXPECT_FALSE(graph.empty());
    EXPECT_EQ(find_cycle(graph), "") << "a dependency cycle between folders";
    // The layers named in docs/architecture.md, spot-checked: nothing below uses what is above.
    for (const char* low : {"common", "adapters", "gateway/store", "gateway/http"})
        for (const char* high : {"gateway/app", "gateway/routes", "gateway/pipeline"})
            EXPECT_FALSE(graph.count(low) && graph.at(low).count(high)) << low << " uses " << high;
}

TEST(FolderLayers, TheCycleFinderFindsACycle) {
    EXPECT_EQ(find_cycle({{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}}), "a -> b -> c -> a");
    EXPECT_EQ(find_cycle({{"a", {"b"}}, {"b", {"c"}}, {"a2", {"c"}}}), "");
    EXPECT_EQ(folder_of("gateway/store/sqlite/writer.cpp"), "gateway/store");
    EXPECT_EQ(folder_of("common/ids.h"), "common");
}

}  // namespace
}  // namespace fieldgate::test
