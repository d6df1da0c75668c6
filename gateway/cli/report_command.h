// `fieldgate report vendors|reasons`: the figures of GET /v1/reports/... read from the store
// file directly (read-only), so they can be produced with the gateway stopped or from a copy of
// the store, and never queue behind the writer.
#pragma once

#include <ostream>
#include <string>

namespace fieldgate {

struct ReportArgs {
    std::string config_path;
    std::string name;  // vendors | reasons
    std::string from;
    std::string to;
    std::string vendor;
    std::string format = "csv";
};

int run_report(const ReportArgs& args, std::ostream& out, std::ostream& err);

}  // namespace fieldgate
