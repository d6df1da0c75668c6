// The Beast server end to end on loopback: the real Server, the real HttpClient, and raw
// sockets for what a well-behaved client would never send. No timing assertions: only that
// things happen, within generous limits. Here what one exchange reads and answers: keep-alive,
// pipelining, body limits, malformed requests; connections over time and under load are in
// server_connections_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "http_client.h"
#include "server_fixture.h"
#include "support/raw_exchange.h"

namespace fieldgate::http {
namespace {

using namespace std::chrono_literals;

std::size_t count_of(const std::string& haystack, std::string_view needle) {
    std::size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string::npos;
         pos = haystack.find(needle, pos + needle.size())) {
        ++n;
    }
    return n;
}

TEST_F(http_server, keep_alive_reuses_one_connection) {
    auto c = client();
    for (int i = 0; i < 5; ++i) {
        const std::string body = "hello " + std::to_string(i);
        auto r = c.post("/echo", body, "text/plain");
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, body);
        EXPECT_EQ(r.header("server"), "fieldgate");
        EXPECT_EQ(r.header("content-type"), "application/octet-stream");
        EXPECT_EQ(r.header("content-length"), std::to_string(body.size()));
        EXPECT_EQ(r.header("x-method"), "POST");
        EXPECT_EQ(r.header("x-remote"), "127.0.0.1");
    }
    EXPECT_EQ(c.connections_opened(), 1u);
    EXPECT_TRUE(c.is_connected());
}

TEST_F(http_server, connection_close_is_honoured) {
    auto c = client();
    auto r = c.request("GET", "/echo", {{"Connection", "close"}}, {});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("connection"), "close");
    EXPECT_FALSE(c.is_connected());

    auto raw = test::raw_exchange_detailed(
        "127.0.0.1", port(), "GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 20s);
    EXPECT_TRUE(raw.closed);
    EXPECT_EQ(raw.data.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << raw.data;

    // The next request simply opens a new connection.
    EXPECT_EQ(c.get("/echo").status, 200);
    EXPECT_EQ(c.connections_opened(), 2u);
}

TEST_F(http_server, response_close_forces_close) {
    auto c = client();
    auto r = c.get("/close");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("connection"), "close");
    EXPECT_FALSE(c.is_connected());
}

TEST_F(http_server, http10_closes_unless_keep_alive) {
    auto raw = test::raw_exchange_detailed("127.0.0.1", port(), "GET /echo HTTP/1.0\r\n\r\n", 20s);
    EXPECT_TRUE(raw.closed);
    EXPECT_EQ(raw.data.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << raw.data;

    // keep-alive on 1.0: the connection survives the first response.
    auto both = test::raw_exchange_detailed(
        "127.0.0.1", port(),
        "GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /echo HTTP/1.0\r\n\r\n", 20s);
    EXPECT_TRUE(both.closed);
    EXPECT_EQ(count_of(both.data, "HTTP/1.0 200 OK\r\n"), 2u) << both.data;
    EXPECT_EQ(count_of(both.data, "Connection: keep-alive\r\n"), 1u) << both.data;
}

TEST_F(http_server, pipelined_requests_are_answered_in_order) {
    const std::string requests =
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\none"
        "GET /echo?n=2 HTTP/1.1\r\nHost: t\r\n\r\n"
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nConnection: close\r\n\r\nthree";
    auto raw = test::raw_exchange_detailed("127.0.0.1", port(), requests, 20s);
    EXPECT_TRUE(raw.closed);
    EXPECT_EQ(count_of(raw.data, "HTTP/1.1 200 OK\r\n"), 3u) << raw.data;
    const auto one = raw.data.find("\r\n\r\none");
    const auto two = raw.data.find("x-query: n=2");
    const auto three = raw.data.find("\r\n\r\nthree");
    ASSERT_NE(one, std::string::npos);
    ASSERT_NE(two, std::string::npos) << raw.data;
    ASSERT_NE(three, std::string::npos);
    EXPECT_LT(one, two);
    EXPECT_LT(two, three);
}

TEST_F(http_server, body_under_limit_is_delivered_intact) {
    std::string body;
    for (int round = 0; round < 4; ++round) {
        for (int b = 0; b < 256; ++b) body.push_back(static_cast<char>(b));
    }
    ASSERT_EQ(body.size(), 1024u);  // exactly the limit
    auto c = client();
    auto r = c.post("/echo", body, "application/octet-stream");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-body-too-large"), "0");
    EXPECT_EQ(r.body, body);

    // Chunked, several chunks, binary.
    auto raw = test::raw_exchange_detailed(
        "127.0.0.1", port(),
        std::string("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                    "Connection: close\r\n\r\n"
                    "3\r\n\x00\x01\x02\r\n"
                    "2\r\n\xff\xfe\r\n0\r\n\r\n",
                    99),
        20s);
    EXPECT_EQ(raw.data.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << raw.data;
    EXPECT_NE(raw.data.find(std::string("\r\n\r\n\x00\x01\x02\xff\xfe", 9)), std::string::npos);
}

TEST_F(http_server, content_length_over_limit_is_refused_without_reading) {
    auto c = client();
    const std::string body(4096, 'x');
    auto r = c.post("/echo", body, "text/plain");
    EXPECT_EQ(r.status, 200);  // the service decides the answer; the test service echoes
    EXPECT_EQ(r.header("x-body-too-large"), "1");
    EXPECT_EQ(r.header("x-declared-length"), "4096");
    EXPECT_EQ(r.header("x-body-size"), "0");
    EXPECT_EQ(r.header("connection"), "close");
    EXPECT_FALSE(c.is_connected());

    // A big body still gets its answer (the server drains rather than resets), and the
    // connection is not reused.
    const std::string big(4 * 1024 * 1024, 'y');
    auto r2 = c.post("/small", big, "text/plain");
    EXPECT_EQ(r2.status, 200);
    EXPECT_EQ(r2.header("x-body-too-large"), "1");
    EXPECT_EQ(r2.header("x-declared-length"), std::to_string(big.size()));
    EXPECT_FALSE(c.is_connected());
    EXPECT_EQ(c.get("/echo").status, 200);
}

TEST_F(http_server, chunked_body_over_limit_stops_reading) {
    // 600 + 600 bytes against a limit of 1024: the first chunk is read, the second is not.
    const std::string chunk(600, 'c');
    std::string request =
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        "258\r\n" +
        chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n";
    auto raw = test::raw_exchange_detailed("127.0.0.1", port(), request, 20s);
    EXPECT_TRUE(raw.closed);
    EXPECT_EQ(raw.data.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << raw.data;
    EXPECT_NE(raw.data.find("x-body-too-large: 1"), std::string::npos) << raw.data;
    EXPECT_NE(raw.data.find("x-body-size: 600"), std::string::npos) << raw.data;
    EXPECT_NE(raw.data.find("Connection: close"), std::string::npos) << raw.data;

    // Through the client: one chunk bigger than the limit.
    auto c = client();
    auto r = c.request("POST", "/small", {{"Transfer-Encoding", "chunked"}}, std::string(64, 'z'));
    EXPECT_EQ(r.header("x-body-too-large"), "1");
    EXPECT_EQ(r.header("x-body-size"), "0");
    EXPECT_FALSE(c.is_connected());
}

TEST_F(http_server, malformed_request_gets_400_problem_json) {
    for (const std::string bytes :
         {"GET / HTTP/1.1\r\nBad Header\r\n\r\n", "GET / HTTX/1.1\r\nHost: t\r\n\r\n",
          "POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n", "\x01\x02garbage\r\n\r\n"}) {
        auto raw = test::raw_exchange_detailed("127.0.0.1", port(), bytes, 20s);
        EXPECT_TRUE(raw.closed);
        EXPECT_EQ(raw.data.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << raw.data;
        EXPECT_NE(raw.data.find("Content-Type: application/problem+json"), std::string::npos);
        EXPECT_NE(raw.data.find(R"("type":"https://fieldgate.example/problems/malformed-request")"),
                  std::string::npos)
            << raw.data;
        EXPECT_NE(raw.data.find(R"("status":400)"), std::string::npos);
        EXPECT_NE(raw.data.find(R"("detail":")"), std::string::npos);
    }
    // A bad chunk in the body is malformed too.
    auto raw = test::raw_exchange_detailed(
        "127.0.0.1", port(),
        "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 20s);
    EXPECT_EQ(raw.data.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << raw.data;
    EXPECT_EQ(service_.handled.load(), 0);
}

TEST_F(http_server, oversized_header_gets_431) {
    const std::string request =
        "GET /echo HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(20 * 1024, 'h') + "\r\n\r\n";
    auto raw = test::raw_exchange_detailed("127.0.0.1", port(), request, 20s);
    EXPECT_TRUE(raw.closed);
    EXPECT_EQ(raw.data.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0), 0u)
        << raw.data;
    EXPECT_NE(raw.data.find("application/problem+json"), std::string::npos);
    EXPECT_NE(raw.data.find(R"("status":431)"), std::string::npos);

    // Just under the limit is fine.
    auto c = client();
    auto r = c.get("/echo", {{"X-Big", std::string(8 * 1024, 'h')}});
    EXPECT_EQ(r.status, 200);
}

TEST_F(http_server, query_params_path_decoding_and_case_insensitive_headers) {
    auto c = client();
    auto r = c.request("get", "/echo/a%20b%2Fc?q=hello%20world&x=1+2", {{"X-TeSt", "Value"}}, {});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-method"), "GET");
    EXPECT_EQ(r.header("X-PATH"), "/echo/a b/c");
    EXPECT_EQ(r.header("x-query"), "q=hello%20world&x=1+2");
    EXPECT_EQ(r.header("x-q"), "hello world");
    EXPECT_EQ(r.header("x-x"), "1 2");
    EXPECT_EQ(r.header("x-seen-test"), "Value");
}

TEST_F(http_server, head_and_no_content_responses_have_no_body) {
    auto raw = test::raw_exchange_detailed(
        "127.0.0.1", port(),
        "HEAD /echo HTTP/1.1\r\nHost: t\r\n\r\nGET /nocontent HTTP/1.1\r\nHost: t\r\n"
        "Connection: close\r\n\r\n",
        20s);
    EXPECT_TRUE(raw.closed);
    EXPECT_EQ(raw.data.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << raw.data;
    EXPECT_NE(raw.data.find("HTTP/1.1 204 No Content\r\n"), std::string::npos) << raw.data;
    auto c = client();
    EXPECT_EQ(c.request("HEAD", "/echo", {}, {}).body, "");
    EXPECT_EQ(c.get("/nocontent").status, 204);
    EXPECT_EQ(c.get("/echo").status, 200);
    EXPECT_EQ(c.connections_opened(), 1u);
}

TEST_F(http_server, expect_100_continue_is_answered) {
    RawSocket s(port());
    ASSERT_TRUE(s.connected());
    ASSERT_TRUE(
        s.send_all("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
                   "Expect: 100-continue\r\n\r\n"));
    EXPECT_EQ(s.read_until("\r\n\r\n").rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u);
    ASSERT_TRUE(s.send_all("ping"));
    EXPECT_NE(s.read_until("ping").find("HTTP/1.1 200 OK"), std::string::npos) << s.received();
}

}  // namespace
}  // namespace fieldgate::http
