// Route templates: what the router lets through and how requests are labelled in metrics.
#include <gtest/gtest.h>

#include <stdexcept>

#include "route_catalog.h"
#include "route_table.h"
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

// A handler that records which route answered and with what parameters.
RouteHandler recording(std::string& into) {
    return [&into](http::Request&, const PathParams& params, http::Respond&) {
        into = "id=" + params["id"] + " vendor=" + params["vendor"];
    };
}

TEST(RouteTable, DispatchesByMethodAndTemplateWithItsParameters) {
    RouteTable table;
    std::string show, discard;
    table.on("GET", "/v1/admin/quarantine/{id}", recording(show));
    table.on("POST", "/v1/admin/quarantine/{id}/discard", recording(discard));
    const auto found = table.find("POST", "/v1/admin/quarantine/42/discard");
    ASSERT_NE(found.handler, nullptr);
    http::Request request;
    http::Respond respond;
    (*found.handler)(request, found.params, respond);
    EXPECT_EQ(discard, "id=42 vendor=");
    EXPECT_EQ(show, "");
    EXPECT_EQ(path_params("/v1/vendors/{vendor}/work-orders/{id}",
                          "/v1/vendors/bay-hauling/work-orders/wo_7")["vendor"],
              "bay-hauling");
}

TEST(RouteTable, AnotherMethodOnADeclaredPathIsNotAllowedAndNamesTheMethodsThatAre) {
    RouteTable table;
    const auto devices = table.find("DELETE", "/v1/admin/devices");
    ASSERT_NE(devices.route, nullptr);
    EXPECT_FALSE(devices.method_allowed);
    EXPECT_EQ(devices.allow, "POST, GET");
    // The literal route wins: GET on the replay path is not quarantine entry "replay".
    const auto replay = table.find("GET", "/v1/admin/quarantine/replay");
    EXPECT_FALSE(replay.method_allowed);
    EXPECT_EQ(replay.allow, "POST");
    EXPECT_EQ(table.find("GET", "/v1/nowhere").route, nullptr);
}

TEST(RouteTable, ADeclaredButUnboundRouteHasNoHandler) {
    RouteTable table;
    const auto found = table.find("GET", "/healthz");
    EXPECT_TRUE(found.method_allowed);
    EXPECT_EQ(found.handler, nullptr);
}

TEST(RouteTable, BindingARouteTheCatalogDoesNotDeclareOrBindingTwiceIsRefused) {
    RouteTable table;
    std::string unused;
    EXPECT_THROW(table.on("GET", "/v1/secret-door", recording(unused)), std::logic_error);
    EXPECT_THROW(table.on("DELETE", "/v1/work-orders/{id}", recording(unused)), std::logic_error);
    table.on("GET", "/healthz", recording(unused));
    EXPECT_THROW(table.on("GET", "/healthz", recording(unused)), std::logic_error);
}

TEST(ReportCsv, FieldsAreQuotedPerRfc4180) {
    EXPECT_EQ(reports::csv_field("plain"), "plain");
    EXPECT_EQ(reports::csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(reports::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(reports::csv_field("two\r\nlines"), "\"two\r\nlines\"");
}

}  // namespace
}  // namespace fieldgate
