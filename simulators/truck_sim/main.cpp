// fieldgate-truck-sim: N trucks of one vendor driving their routes over MQTT. Each truck
// publishes its route assignment and status (retained, with a last will "offline" when it has a
// connection of its own), positions at --rate (QoS 0, interpolated along the route), a stop
// event (QoS 1, the vendor's webhook format, the seed outcome mix) at every stop it reaches, and
// with --breakdown-probability a route-level breakdown that ends its route. --drop-every cuts and
// restores the connections; --flood N publishes N positions as fast as possible (benchmarks).
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include <mqtt/async_client.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "fleet.h"
#include "http_client.h"

namespace ts = fieldgate::truck_sim;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::string broker = "tcp://127.0.0.1:1883";
    std::string vendor = "bay-hauling";
    std::string prefix;  // default fleet/<vendor>
    std::string user;
    std::string password_file;
    int connections = 0;  // 0: one per truck up to 100 trucks, else 1
    double rate = 0.2;    // positions per second per truck
    double duration_s = 60;
    double speed_mps = 10;
    double drop_every_s = 0;
    double breakdown_probability = 0;
    std::uint64_t flood = 0;
    std::string create_orders;  // host:port of the gateway: create the stops as work orders
    std::string crm_token_file;
    ts::FleetOptions fleet;
};

std::string iso_now() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

class Link {
  public:
    Link(const Options& o, const std::string& id, const std::optional<std::string>& will_topic)
        : client_(o.broker, id), will_topic_(will_topic) {
        auto b = mqtt::connect_options_builder().clean_session(true).keep_alive_interval(
            std::chrono::seconds(10));
        if (!o.user.empty()) b.user_name(o.user).password(read_file(o.password_file));
        if (will_topic_) b.will(mqtt::message(*will_topic_, R"({"state":"offline"})", 1, true));
        options_ = b.finalize();
    }
    void connect() { client_.connect(options_)->wait(); }
    void disconnect() {
        if (client_.is_connected()) client_.disconnect()->wait();
    }
    bool connected() const { return client_.is_connected(); }
    // Paho refuses a publish while its send queue is full: back off briefly and try again (this
    // is the publisher's flow control when flooding), up to 30 s.
    void publish(const std::string& topic, const std::string& payload, int qos, bool retained) {
        const auto give_up = Clock::now() + std::chrono::seconds(30);
        while (true) {
            try {
                client_.publish(topic, payload.data(), payload.size(), qos, retained);
                return;
            } catch (const mqtt::exception&) {
                if (Clock::now() >= give_up) throw;
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
        }
    }
    void wait_acks() {
        for (auto& t : client_.get_pending_delivery_tokens()) t->wait();
    }

  private:
    mqtt::async_client client_;
    mqtt::connect_options options_;
    std::optional<std::string> will_topic_;
};

struct Counts {
    std::uint64_t positions = 0, stops = 0, route_events = 0, drops = 0, publish_errors = 0;
};

void create_orders(const Options& o, const std::vector<ts::Truck>& fleet) {
    const auto colon = o.create_orders.rfind(':');
    fieldgate::sim::HttpClient http(
        o.create_orders.substr(0, colon),
        static_cast<std::uint16_t>(std::stoi(o.create_orders.substr(colon + 1))));
    const fieldgate::sim::HeaderList auth = {
        {"Authorization", "Bearer " + read_file(o.crm_token_file)}};
    for (const auto& truck : fleet) {
        for (const auto& s : truck.stops) {
            nlohmann::json body = {
                {"crm_case_id", s.service_request},
                {"service_type", "bulky_item"},
                {"address", "stop " + std::to_string(s.seq) + " of " + truck.route},
                {"location", {{"lat", s.lat}, {"lon", s.lon}}},
                {"scheduled_date", o.fleet.date},
                {"items", {"sofa"}},
                {"instructions", "at the curb"},
                {"vendor", o.vendor},
                {"route", {{"id", truck.route}, {"date", o.fleet.date}, {"stop_seq", s.seq}}}};
            const auto r = http.post("/v1/work-orders", body.dump(), "application/json", auth);
            if (r.status >= 300)
                std::cerr << "work order " << s.service_request << ": " << r.status << " " << r.body
                          << "\n";
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    CLI::App app{"fieldgate-truck-sim: simulated trucks publishing over MQTT"};
    app.add_option("--broker", o.broker, "broker URI")->capture_default_str();
    app.add_option("--vendor", o.vendor, "vendor id")->capture_default_str();
    app.add_option("--prefix", o.prefix, "topic prefix (default fleet/<vendor>)");
    app.add_option("--user", o.user, "broker user name");
    app.add_option("--password-file", o.password_file, "file holding the broker password");
    app.add_option("--trucks", o.fleet.trucks, "number of trucks")->capture_default_str();
    app.add_option("--truck-prefix", o.fleet.truck_prefix, "truck id prefix")
        ->capture_default_str();
    app.add_option("--stops", o.fleet.stops, "stops per route")->capture_default_str();
    app.add_option("--stop-spacing-m", o.fleet.stop_spacing_m, "metres between stops")
        ->capture_default_str();
    app.add_option("--rate", o.rate, "positions per second per truck")->capture_default_str();
    app.add_option("--duration", o.duration_s, "seconds to drive")->capture_default_str();
    app.add_option("--speed-mps", o.speed_mps, "driving speed, m/s")->capture_default_str();
    app.add_option("--seed", o.fleet.seed, "random seed")->capture_default_str();
    app.add_option("--date", o.fleet.date, "route date YYYY-MM-DD")->capture_default_str();
    app.add_option("--connections", o.connections, "MQTT connections (0: one per truck up to 100)");
    app.add_option("--drop-every", o.drop_every_s,
                   "cut and restore the connections every N s (0 = never)");
    app.add_option("--breakdown-probability", o.breakdown_probability,
                   "chance a route ends in a breakdown");
    app.add_option("--flood", o.flood, "publish N positions as fast as possible, then exit");
    app.add_option("--create-orders", o.create_orders,
                   "gateway host:port: create the stops as work orders first");
    app.add_option("--crm-token-file", o.crm_token_file, "file holding the CRM bearer token");
    CLI11_PARSE(app, argc, argv);
    if (o.prefix.empty()) o.prefix = "fleet/" + o.vendor;

    const auto fleet = ts::make_fleet(o.fleet);
    if (!o.create_orders.empty()) create_orders(o, fleet);
    const int n_links =
        o.connections > 0 ? o.connections : (o.fleet.trucks <= 100 ? o.fleet.trucks : 1);
    const bool own_links = n_links == o.fleet.trucks;
    std::vector<std::unique_ptr<Link>> links;
    for (int i = 0; i < n_links; ++i) {
        std::optional<std::string> will;
        if (own_links) will = o.prefix + "/" + fleet[static_cast<std::size_t>(i)].id + "/status";
        links.push_back(std::make_unique<Link>(
            o, "truck-sim-" + std::to_string(::getpid()) + "-" + std::to_string(i), will));
        links.back()->connect();
    }
    auto link_of = [&](std::size_t truck) -> Link& { return *links[truck % links.size()]; };
    auto topic = [&](const ts::Truck& t, const char* kind) {
        return o.prefix + "/" + t.id + "/" + kind;
    };
    auto announce = [&] {
        for (std::size_t i = 0; i < fleet.size(); ++i) {
            link_of(i).publish(topic(fleet[i], "status"), R"({"state":"online"})", 1, true);
        }
    };
    for (std::size_t i = 0; i < fleet.size() && !o.flood; ++i) {
        link_of(i).publish(
            topic(fleet[i], "route"),
            nlohmann::json({{"route", fleet[i].route}, {"route_date", ts::us_date(o.fleet.date)}})
                .dump(),
            1, true);
    }
    if (!o.flood) announce();  // a flood is positions only

    Counts counts;
    std::mt19937 rng(o.fleet.seed + 7);
    std::vector<int> passed(fleet.size(), 0);
    std::vector<int> breakdown_at(fleet.size(), -1);
    std::uniform_real_distribution<double> u(0, 1);
    for (std::size_t i = 0; i < fleet.size(); ++i)
        if (u(rng) < o.breakdown_probability)
            breakdown_at[i] =
                std::uniform_int_distribution<int>(1, std::max(1, o.fleet.stops - 1))(rng);

    const auto start = Clock::now();
    const double total_rate = o.flood ? 0 : o.rate * o.fleet.trucks;
    // Sleep about a hundred times a second, whatever the rate.
    const auto pace_every = static_cast<std::uint64_t>(std::max(1.0, total_rate / 100));
    auto next_drop = start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(o.drop_every_s));
    for (std::uint64_t k = 0;; ++k) {
        double elapsed;
        if (o.flood) {
            if (k >= o.flood) break;
            elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        } else {
            elapsed = static_cast<double>(k) / total_rate;
            if (elapsed > o.duration_s) break;
            if (k % pace_every == 0)
                std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                                          std::chrono::duration<double>(elapsed)));
        }
        if (o.drop_every_s > 0 && Clock::now() >= next_drop) {
            for (auto& l : links) l->disconnect();
            std::this_thread::sleep_for(std::chrono::seconds(1));
            for (auto& l : links) l->connect();
            announce();
            ++counts.drops;
            next_drop = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(o.drop_every_s));
        }
        const std::size_t i = k % fleet.size();
        const auto& truck = fleet[i];
        const bool broken = breakdown_at[i] >= 0 && passed[i] >= breakdown_at[i];
        const auto where = ts::position_after(truck, broken ? 0 : o.speed_mps * elapsed);
        const auto now = iso_now();
        try {
            if (!broken) {
                link_of(i).publish(topic(truck, "position"),
                                   nlohmann::json({{"deviceId", truck.id},
                                                   {"fixTime", now},
                                                   {"latitude", where.lat},
                                                   {"longitude", where.lon},
                                                   {"speed", o.speed_mps * 3.6},
                                                   {"course", std::round(where.heading)},
                                                   {"attributes", {{"ignition", true}}}})
                                       .dump(),
                                   0, false);
                ++counts.positions;
            }
            while (!broken && passed[i] < where.stops_passed) {
                const auto& stop = truck.stops[static_cast<std::size_t>(passed[i])];
                link_of(i).publish(
                    topic(truck, "stop"),
                    ts::bay_stop_event(truck, stop, ts::draw_outcome(rng), o.fleet.date, now)
                        .dump(),
                    1, false);
                ++counts.stops;
                ++passed[i];
                if (passed[i] == breakdown_at[i]) {
                    link_of(i).publish(
                        topic(truck, "route-event"),
                        nlohmann::json(
                            {{"event_id", "EV-" + truck.route + "-MEC"},
                             {"route", truck.route},
                             {"route_date", ts::us_date(o.fleet.date)},
                             {"exception", {{"code", "MEC"}, {"description", "truck breakdown"}}},
                             {"reported_at", now}})
                            .dump(),
                        1, false);
                    ++counts.route_events;
                    break;
                }
            }
        } catch (const mqtt::exception& e) {
            ++counts.publish_errors;
        }
    }
    for (auto& l : links) {
        l->wait_acks();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (std::size_t i = 0; i < fleet.size() && !o.flood; ++i)
        link_of(i).publish(topic(fleet[i], "status"), R"({"state":"offline"})", 1, true);
    for (auto& l : links) {
        l->wait_acks();
        l->disconnect();
    }
    std::cout << nlohmann::json({{"trucks", o.fleet.trucks},
                                 {"connections", n_links},
                                 {"positions", counts.positions},
                                 {"stop_events", counts.stops},
                                 {"route_events", counts.route_events},
                                 {"drops", counts.drops},
                                 {"publish_errors", counts.publish_errors},
                                 {"seconds", seconds},
                                 {"positions_per_s", seconds > 0 ? counts.positions / seconds : 0}})
                     .dump()
              << std::endl;
    return counts.publish_errors == 0 ? 0 : 1;
}
