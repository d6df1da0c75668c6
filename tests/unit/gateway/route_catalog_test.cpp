// Route templates: what the router lets through and how requests are labelled in metrics.
#include <gtest/gtest.h>

#include "route_catalog.h"
#include "vendor_report.h"

namespace fieldgate {
namespace {

TEST(RouteCatalog, TemplatesMatchOneSegmentPerParameter) {
    EXPECT_TRUE(template_matches("/v1/work-orders/{id}", "/v1/work-orders/wo_1"));
    EXPECT_FALSE(template_matches("/v1/work-orders/{id}", "/v1/work-orders/"));
    EXPECT_FALSE(template_matches("/v1/work-orders/{id}", "/v1/work-orders/a/b"));
    EXPECT_FALSE(template_matches("/v1/work-orders", "/v1/work-orders/x"));
    EXPECT_TRUE(template_matches("/healthz", "/healthz"));
}

TEST(RouteCatalog, LiteralRoutesWinOverTemplatedOnes) {
    ASSERT_NE(match_route("/v1/admin/quarantine/replay"), nullptr);
    EXPECT_EQ(match_route("/v1/admin/quarantine/replay")->path, "/v1/admin/quarantine/replay");
    EXPECT_EQ(match_route("/v1/admin/quarantine/12")->path, "/v1/admin/quarantine/{id}");
    EXPECT_EQ(match_route("/v1/admin/vendors/health")->path, "/v1/admin/vendors/health");
    EXPECT_EQ(match_route("/nowhere"), nullptr);
}

TEST(RouteCatalog, NoRouteIsDeclaredTwice) {
    const auto& routes = route_catalog();
    for (std::size_t i = 0; i < routes.size(); ++i) {
        for (std::size_t j = i + 1; j < routes.size(); ++j)
            EXPECT_FALSE(routes[i].method == routes[j].method && routes[i].path == routes[j].path)
                << routes[i].path;
    }
}

TEST(ReportCsv, FieldsAreQuotedPerRfc4180) {
    EXPECT_EQ(reports::csv_field("plain"), "plain");
    EXPECT_EQ(reports::csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(reports::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(reports::csv_field("two\r\nlines"), "\"two\r\nlines\"");
}

}  // namespace
}  // namespace fieldgate
