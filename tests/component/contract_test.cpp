// The API contracts against the real router: every OpenAPI operation is a route of the router's
// catalog and every catalog route is documented, and every route is answered on the real
// gateway by its handler (not the router's "no route" 404). The AsyncAPI document names the
// MQTT topics of the vendors' interface documents.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <yaml-cpp/yaml.h>

#include "route_catalog.h"
#include "support/gateway_process.h"

namespace fieldgate::test {
namespace {

using Operation = std::pair<std::string, std::string>;  // method, path template

std::set<Operation> openapi_operations() {
    const auto doc = YAML::LoadFile(source_path("docs/api/openapi.yaml"));
    EXPECT_EQ(doc["openapi"].as<std::string>().substr(0, 3), "3.1");
    std::set<Operation> ops;
    for (const auto& path : doc["paths"]) {
        for (const auto& op : path.second) {
            auto method = op.first.as<std::string>();
            if (method == "parameters" || method == "summary" || method == "description") continue;
            for (auto& c : method)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            ops.insert({method, path.first.as<std::string>()});
        }
    }
    return ops;
}

std::set<Operation> catalog_operations() {
    std::set<Operation> ops;
    for (const auto& r : route_catalog()) ops.insert({std::string(r.method), std::string(r.path)});
    return ops;
}

TEST(Contract, EveryOpenApiOperationIsARouteAndEveryRouteIsDocumented) {
    const auto documented = openapi_operations();
    const auto routed = catalog_operations();
    for (const auto& [method, path] : routed)
        EXPECT_TRUE(documented.contains({method, path}))
            << method << " " << path
            << " is in the router's catalog (gateway/routes/route_catalog.cpp) but missing from "
               "docs/api/openapi.yaml: add the operation";
    for (const auto& [method, path] : documented)
        EXPECT_TRUE(routed.contains({method, path}))
            << method << " " << path
            << " is in docs/api/openapi.yaml but not in the router's catalog "
               "(gateway/routes/route_catalog.cpp): add the route or remove the operation";
}

bool is_no_route(const sim::ClientResponse& r) {
    if (r.status != 404) return false;
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    return body.is_object() && body.value("detail", "").rfind("no route for", 0) == 0;
}

TEST(Contract, EveryRouteIsAnsweredByItsHandlerOnTheRealGateway) {
    GatewayProcess gateway;
    auto c = gateway.client();
    for (const auto& r : route_catalog()) {
        std::string path(r.path);
        for (const auto& [param, value] : std::vector<std::pair<std::string, std::string>>{
                 {"{id}", "1"}, {"{vendor}", "bay-hauling"}, {"{name}", "crm"}}) {
            for (auto at = path.find(param); at != std::string::npos; at = path.find(param))
                path.replace(at, param.size(), value);
        }
        const auto headers =
            path.rfind("/v1/work-orders", 0) == 0 || path.rfind("/v1/reports", 0) == 0
                ? gateway.crm_headers()
                : gateway.admin_headers();
        const auto answer = r.method == "GET"   ? c.get(path, headers)
                            : r.method == "PUT" ? c.request("PUT", path, headers, "")
                                                : c.post(path, "{}", "application/json", headers);
        EXPECT_FALSE(is_no_route(answer))
            << r.method << " " << r.path << " (" << r.owner
            << ") is in the route catalog but the gateway has no handler for it: " << answer.body;
        EXPECT_LT(answer.status, 500) << r.method << " " << path << ": " << answer.body;
    }
    // Another method on a declared path is 405 naming the methods that are allowed.
    const auto wrong_method = c.request("DELETE", "/v1/trucks", gateway.crm_headers(), "");
    EXPECT_EQ(wrong_method.status, 405) << wrong_method.body;
    EXPECT_EQ(wrong_method.header("allow").value_or(""), "GET");
    // And a path the catalog does not declare is the router's 404.
    EXPECT_TRUE(is_no_route(c.get("/v1/not-a-route", gateway.admin_headers())));
    EXPECT_TRUE(is_no_route(c.get("/v1/work-orders/x/y/z", gateway.crm_headers())));
}

TEST(Contract, TheAsyncApiDocumentNamesTheTruckTopics) {
    const auto doc = YAML::LoadFile(source_path("docs/api/asyncapi.yaml"));
    EXPECT_EQ(doc["asyncapi"].as<std::string>().substr(0, 2), "2.");
    struct Topic {
        std::string channel, direction;
        int qos;
        bool retain;
    };
    const std::vector<Topic> expected = {
        {"fleet/{vendor}/{truck}/position", "publish", 0, false},
        {"fleet/{vendor}/{truck}/stop", "publish", 1, false},
        {"fleet/{vendor}/{truck}/status", "publish", 1, true},
        {"fleet/{vendor}/{truck}/route", "publish", 1, true},
        {"fleet/{vendor}/{truck}/route-event", "publish", 1, false},
        {"fleet/{vendor}/{truck}/dispatch", "subscribe", 1, true},
    };
    EXPECT_EQ(doc["channels"].size(), expected.size());
    for (const auto& t : expected) {
        const auto channel = doc["channels"][t.channel];
        ASSERT_TRUE(channel) << t.channel << " is missing from docs/api/asyncapi.yaml";
        const auto op = channel[t.direction];
        ASSERT_TRUE(op) << t.channel << " has no " << t.direction << " operation";
        EXPECT_EQ(op["bindings"]["mqtt"]["qos"].as<int>(), t.qos) << t.channel;
        EXPECT_EQ(op["bindings"]["mqtt"]["retain"].as<bool>(), t.retain) << t.channel;
        EXPECT_TRUE(op["message"]) << t.channel;
    }
    // Every topic a vendor's mqtt.json configures (what the gateway really subscribes to and
    // publishes) is a channel of the document.
    for (const auto& folder : std::filesystem::directory_iterator(source_path("vendor_schemas"))) {
        const auto file = folder.path() / "mqtt.json";
        if (!std::filesystem::exists(file)) continue;
        std::ifstream in(file);
        const auto topics = nlohmann::json::parse(in);
        for (const auto& [kind, spec] : topics.items()) {
            if (!spec.is_object() || !spec.contains("topic")) continue;
            const auto channel = "fleet/{vendor}/{truck}/" + spec["topic"].get<std::string>();
            EXPECT_TRUE(doc["channels"][channel])
                << file << " configures " << kind << " on " << channel
                << ", which docs/api/asyncapi.yaml does not document";
        }
    }
}

}  // namespace
}  // namespace fieldgate::test
