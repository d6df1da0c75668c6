// disk-full: the gateway's store lives on a small tmpfs that fills up while Bay Hauling posts
// results (some of them refused, so the raw payload and quarantine writes meet the full disk
// too, and the WAL checkpointer runs every half second). What could not be committed is
// answered 503 problem JSON with Retry-After, never 2xx; reads and health keep being served;
// the gateway does not crash; when space returns (mount -o remount,size=...) it accepts again.
// Twice. In the end every result answered 2xx is stored exactly once and delivered, every
// refusal answered 422 is quarantined once and counted once per answer, and the store passes
// PRAGMA integrity_check.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <thread>
#include <vector>

#include "fault/env_support.h"
#include "fault/kill9_vendor_load.h"

namespace fieldgate::test {
namespace {

constexpr std::size_t kDiskFullResults = 3000;  // one work order each
constexpr std::size_t kRefused = 300;           // results for work orders that do not exist
constexpr int kFills = 2;

// Writes zeros to `path` until the file system has no byte left.
std::size_t fill_up(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) return 0;
    std::size_t written = 0;
    const std::vector<char> zeros(1 << 20, 0);
    for (std::size_t chunk = zeros.size(); chunk >= 512; chunk /= 2) {
        for (;;) {
            const auto n = ::write(fd, zeros.data(), chunk);
            if (n <= 0) break;
            written += static_cast<std::size_t>(n);
        }
    }
    ::close(fd);
    return written;
}

class DiskFullScenario {
  public:
    DiskFullScenario(FaultRig& rig, std::string prefix)
        : rig_(rig), prefix_(std::move(prefix)), ghost_("GH" + prefix_) {}

    bool good(std::size_t job) const { return job < kDiskFullResults; }
    std::string tag(std::size_t job) const {
        return good(job) ? bench::ticket(prefix_, job)
                         : bench::ticket(ghost_, job - kDiskFullResults);
    }
    bench::PreparedRequest request(std::size_t job) const {
        return good(job) ? bench::bay_result_request(prefix_, job, rig_.gw().secrets.bay)
                         : bench::bay_result_request(ghost_, job - kDiskFullResults,
                                                     rig_.gw().secrets.bay);
    }

    // Posts `jobs` (at `rate` per second, 0 = as fast as possible); every answer is recorded.
    void post(const std::vector<std::size_t>& jobs, double rate) {
        auto options = vendor_load_options(rig_.port(), 60s);
        options.connections = 16;
        options.rate = rate;
        const auto load =
            bench::run_load(options, [&](std::size_t i) -> std::optional<bench::PreparedRequest> {
                if (i >= jobs.size()) return std::nullopt;
                auto r = request(jobs[i]);
                r.tag = std::to_string(jobs[i]);
                return r;
            });
        for (const auto& r : load.records) {
            const auto job = static_cast<std::size_t>(std::stoul(r.tag));
            ++answers_[r.status];
            if (r.status == 503) ++full_answers_;
            if (good(job) && r.status == 200) acknowledged_.insert(tag(job));
            if (!good(job) && r.status == 422) ++refusals_;
            if (!good(job) && r.status == 422) refused_.insert(job);
            const bool expected =
                r.status == 503 || (good(job) ? r.status == 200 : r.status == 422);
            EXPECT_TRUE(expected) << tag(job) << " answered " << r.status;
        }
    }
    // Every job not yet answered as it will be once the store can take it.
    std::vector<std::size_t> open_jobs() const {
        std::vector<std::size_t> out;
        for (std::size_t job = 0; job < kDiskFullResults + kRefused; ++job) {
            if (good(job) ? !acknowledged_.count(tag(job)) : !refused_.count(job))
                out.push_back(job);
        }
        return out;
    }
    std::vector<std::size_t> all_jobs() const {
        std::vector<std::size_t> out(kDiskFullResults + kRefused);
        for (std::size_t job = 0; job < out.size(); ++job) out[job] = job;
        return out;
    }

    // What the gateway answers while the store cannot commit: a result is refused with 503
    // problem JSON and Retry-After, a work order too; health and reads are served.
    void expect_full_disk_answers(std::size_t job, const std::string& order_id) {
        auto c = rig_.gw().client();
        const auto req = request(job);
        const auto r = c.post(req.target, req.body, "application/json",
                              {{"Authorization", "Bearer " + rig_.gw().secrets.bay}});
        EXPECT_EQ(r.status, 503) << r.body;
        EXPECT_EQ(r.header("content-type").value_or(""), "application/problem+json");
        EXPECT_TRUE(r.header("retry-after").has_value());
        const auto problem = nlohmann::json::parse(r.body, nullptr, false);
        EXPECT_EQ(problem.value("type", ""), "https://fieldgate.example/problems/store-unavailable")
            << r.body;
        EXPECT_EQ(problem.value("status", 0), 503);

        const auto order = rig_.gw().create_order(
            c, work_order_body("SR-FULL-" + std::to_string(++orders_tried_), "bay-hauling"));
        EXPECT_EQ(order.status, 503) << order.body;
        EXPECT_EQ(order.header("content-type").value_or(""), "application/problem+json");
        EXPECT_TRUE(order.header("retry-after").has_value());

        EXPECT_EQ(c.get("/healthz").status, 200);
        EXPECT_EQ(c.get("/readyz").status, 200);
        const auto read = c.get("/v1/work-orders/" + order_id, rig_.gw().crm_headers());
        EXPECT_EQ(read.status, 200) << read.body;
        EXPECT_TRUE(rig_.gw().running());
    }

    // Posts one open result until it is taken (the store accepts again) or the limit passes.
    bool accepts_again() {
        return wait_until(
            [&] {
                const auto open = open_jobs();
                if (open.empty()) return true;
                auto c = rig_.gw().client();
                const auto req = request(open.front());
                const auto r = c.post(req.target, req.body, "application/json",
                                      {{"Authorization", "Bearer " + rig_.gw().secrets.bay}});
                if (r.status == 200 && good(open.front())) acknowledged_.insert(tag(open.front()));
                if (r.status == 422 && !good(open.front())) {
                    refused_.insert(open.front());
                    ++refusals_;
                }
                return r.status == 200 || r.status == 422;
            },
            30s);
    }

    const std::set<std::string>& acknowledged() const { return acknowledged_; }
    std::size_t full_answers() const { return full_answers_; }
    std::size_t refusals() const { return refusals_; }
    const std::map<int, std::size_t>& answers() const { return answers_; }

  private:
    FaultRig& rig_;
    std::string prefix_;
    std::string ghost_;
    std::set<std::string> acknowledged_;
    std::set<std::size_t> refused_;
    std::size_t refusals_ = 0;
    std::size_t full_answers_ = 0;
    std::map<int, std::size_t> answers_;
    int orders_tried_ = 0;
};

TEST(FaultDiskFull, TheGatewayAnswers503WhileItCannotCommitAndLosesNothingAcknowledged) {
    if (::geteuid() != 0)
        GTEST_SKIP() << "disk-full mounts a small tmpfs and needs root (CI runs as root)";
    Tmpfs disk(48);
    if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();

    FaultRigOptions options;
    options.config = {
        {"store", {{"path", disk.file("fieldgate.db")}, {"checkpoint_interval_ms", 500}}}};
    FaultRig rig(options);
    const std::string prefix = "DF" + std::to_string(::getpid());
    ASSERT_EQ(create_bay_orders(rig.port(), prefix, kDiskFullResults, rig.gw().secrets.crm),
              kDiskFullResults);
    auto c = rig.gw().client();
    const auto listed =
        c.get("/v1/work-orders?crm_case_id=" + bench::case_id(prefix, 0), rig.gw().crm_headers());
    ASSERT_EQ(listed.status, 200) << listed.body;
    const auto order_id = nlohmann::json::parse(listed.body)["items"][0]["id"].get<std::string>();

    DiskFullScenario scenario(rig, prefix);
    int size_mib = 48;
    for (int fill = 0; fill < kFills; ++fill) {
        // The disk fills a second into a steady stream of results, which goes on a while.
        std::thread filler([&] {
            std::this_thread::sleep_for(1s);
            fill_up(disk.file("filler-" + std::to_string(fill)));
        });
        const auto before = scenario.full_answers();
        scenario.post(scenario.open_jobs(), 400);
        filler.join();
        ASSERT_GT(scenario.full_answers(), before)
            << "the store never refused a commit; fill " << fill;
        const auto open = scenario.open_jobs();
        ASSERT_FALSE(open.empty());
        scenario.expect_full_disk_answers(open.front(), order_id);

        size_mib *= 2;
        ASSERT_TRUE(disk.resize(size_mib));
        ASSERT_TRUE(scenario.accepts_again()) << rig.gw().log_text();
    }
    // The vendor sends everything once more: what was taken is a duplicate, the rest is taken.
    scenario.post(scenario.all_jobs(), 0);
    EXPECT_TRUE(scenario.open_jobs().empty());

    ASSERT_TRUE(rig.wait_for_delivery()) << rig.crm_report();
    const auto stored = rig.stored_items("BH-" + prefix + "-%");
    const auto crm = rig.crm_received();
    const std::string refused_where =
        " FROM quarantine WHERE vendor = 'bay-hauling' AND problem_type = 'unknown-work-order'";
    const auto quarantined = rig.count("SELECT COUNT(*)" + refused_where);
    const auto attempts = rig.count("SELECT SUM(attempts)" + refused_where);
    ASSERT_EQ(rig.gw().stop(), 0) << rig.gw().log_text();

    EXPECT_EQ(integrity_check(rig.store_path()), "ok");
    // Every refusal answered 422 is kept once, with one attempt per 422 answer: a refusal that
    // was answered 503 left nothing behind.
    EXPECT_EQ(quarantined, static_cast<std::int64_t>(kRefused));
    EXPECT_EQ(attempts, static_cast<std::int64_t>(scenario.refusals()));
    FaultAccount account{"disk-full"};
    account.cycles = kFills;
    account_all(account, scenario.acknowledged(), stored, crm);
    EXPECT_EQ(stored.size(), scenario.acknowledged().size());
    account.print();
    std::string answers;
    for (const auto& [status, n] : scenario.answers())
        answers += " " + std::to_string(status) + ":" + std::to_string(n);
    const auto redeliveries = rig.crm_report()["duplicates"].get<std::int64_t>();
    std::printf("disk-full: answers%s; CRM redeliveries %lld\n", answers.c_str(),
                static_cast<long long>(redeliveries));
    // While the store cannot record a delivery, the worker pauses instead of sending the same
    // events again and again (it did: 68,569 redeliveries in one run before it paused).
    EXPECT_LT(redeliveries, 500);
    EXPECT_EQ(account.acknowledged, kDiskFullResults);
    expect_nothing_lost_or_duplicated(account);
}

}  // namespace
}  // namespace fieldgate::test
