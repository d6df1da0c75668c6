// docs/onboarding.md as steps a test performs exactly as written: every `<!-- file: PATH -->`
// block is a file to write, every `<!-- run -->` block commands to run line by line with bash.
#pragma once

#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace fieldgate::test {

struct GuideStep {
    enum Kind { kFile, kRun } kind;
    std::string path;     // kFile
    std::string content;  // file content, or the commands
};

// The steps of one walk-through of the guide: "push" (from the top to the first
// `<!-- guide: NAME -->` marker) or the NAME of a marked part (up to the next marker).
inline std::vector<GuideStep> read_guide(const std::string& path,
                                         const std::string& guide = "push") {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::vector<GuideStep> steps;
    std::string current = "push";
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& l = lines[i];
        std::optional<GuideStep> step;
        if (l.rfind("<!-- guide: ", 0) == 0) {
            current = l.substr(12, l.find(" -->") - 12);
            continue;
        }
        if (current != guide) continue;
        if (l.rfind("<!-- file: ", 0) == 0) {
            const auto end = l.find(" -->");
            step = GuideStep{GuideStep::kFile, l.substr(11, end - 11), ""};
        } else if (l == "<!-- run -->") {
            step = GuideStep{GuideStep::kRun, "", ""};
        }
        if (!step) continue;
        // The next fenced block is the step's content.
        std::size_t j = i + 1;
        while (j < lines.size() && lines[j].rfind("```", 0) != 0) ++j;
        for (++j; j < lines.size() && lines[j].rfind("```", 0) != 0; ++j)
            step->content += lines[j] + "\n";
        steps.push_back(*step);
        i = j;
    }
    return steps;
}

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
        s.replace(at, from.size(), to);
    return s;
}

}  // namespace fieldgate::test
