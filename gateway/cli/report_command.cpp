#include "report_command.h"

#include "catalog.h"
#include "config.h"
#include "store_config.h"
#include "time_util.h"
#include "tool_session.h"
#include "vendor_report.h"

namespace fieldgate {

int run_report(const ReportArgs& args, std::ostream& out, std::ostream& err) {
    if (!is_iso_date(args.from) || !is_iso_date(args.to) || args.from > args.to) {
        err << "report: --from and --to must be dates YYYY-MM-DD, from <= to\n";
        return 2;
    }
    const auto config = load_config(args.config_path);
    const auto catalog = Catalog::load(config.catalog_path, config.catalog_schema_path);
    store::ToolSession session(store_settings(config), true);
    reports::ReportQuery query{args.from, args.to, std::nullopt};
    if (!args.vendor.empty()) query.vendor = args.vendor;
    const auto figures = reports::vendor_report(session.reads(), catalog, query);
    if (args.format == "json") {
        out << reports::to_json(query, figures).dump(2) << "\n";
    } else {
        out << (args.name == "reasons" ? reports::reasons_csv(figures)
                                       : reports::vendors_csv(figures));
    }
    return 0;
}

}  // namespace fieldgate
