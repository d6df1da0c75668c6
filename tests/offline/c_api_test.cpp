// The C API, driven from C code (c/c_api_check.c) against the real gateway.
#include "c/c_api_check.h"
#include "crew_support.h"

namespace fieldgate::test {
namespace {

TEST(CrewCApi, EnrollPullRecordSyncFromC) {
    GatewayProcess gw;
    TempDir dir;
    const auto device = issue_device(gw, "capi", "capi-1");
    const auto order = create_crew_order(gw, "capi", "SR-CAPI-1");
    const auto photo = dir.write("photo.jpg", std::string(70000, 'x'));
    char failure[512] = {0};
    EXPECT_EQ(
        fg_c_api_check(dir.file("tablet.db").c_str(), "127.0.0.1", gw.port(), device.id.c_str(),
                       device.token.c_str(), order.c_str(), photo.c_str(), failure, sizeof failure),
        1)
        << failure;
    EXPECT_EQ(get_order(gw, order)["status"], "not_collected");
}

}  // namespace
}  // namespace fieldgate::test
