// The libpq layer on a real server: values round-trip as they were bound, errors carry their
// SQLSTATE, a lost server is a transient failure, and migrations apply once however many
// gateways start together.
#include <chrono>
#include <thread>
#include <vector>

#include "store_fixture.h"

namespace fieldgate::test {
namespace {

class PgConnection : public testing::Test {
  protected:
    void SetUp() override { url_ = fresh_pg_database("c"); }
    pg::Connection connect() { return pg::Connection(url_, shared_pg_cluster().password()); }
    std::string url_;
};

TEST_F(PgConnection, ValuesRoundTripAsBound) {
    auto db = connect();
    db.exec("CREATE TABLE v (t TEXT, i BIGINT, r DOUBLE PRECISION, b BYTEA, n TEXT)");
    const std::string bytes("\0\x01\xff'\"\\x", 8);
    db.query("INSERT INTO v VALUES ($1, $2, $3, $4, $5)", pg::Params()
                                                              .text("é ' \" ; --")
                                                              .integer(-9007199254740993)
                                                              .real(0.1 + 0.2)
                                                              .bytes(bytes)
                                                              .null());
    const auto r = db.query("SELECT t, i, r, b, n FROM v");
    ASSERT_EQ(r.rows(), 1);
    EXPECT_EQ(r.text(0, 0), "é ' \" ; --");
    EXPECT_EQ(r.integer(0, 1), -9007199254740993);
    EXPECT_EQ(r.real(0, 2), 0.1 + 0.2);
    EXPECT_EQ(r.bytes(0, 3), bytes);
    EXPECT_FALSE(r.optional_text(0, 4));
}

TEST_F(PgConnection, ErrorsCarryTheirSqlstate) {
    auto db = connect();
    db.exec("CREATE TABLE u (k TEXT PRIMARY KEY)");
    db.query("INSERT INTO u VALUES ($1)", pg::Params().text("a"));
    try {
        db.query("INSERT INTO u VALUES ($1)", pg::Params().text("a"));
        FAIL() << "a duplicate key was accepted";
    } catch (const pg::Error& e) {
        EXPECT_TRUE(e.unique_violation()) << e.what();
        EXPECT_FALSE(e.transient());
    }
}

TEST_F(PgConnection, WrongPasswordIsRefusedWithoutEchoingIt) {
    try {
        pg::Connection db(url_, "not-the-password");
        FAIL() << "connected with a wrong password";
    } catch (const pg::Error& e) {
        EXPECT_EQ(std::string(e.what()).find("not-the-password"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("password authentication failed"), std::string::npos)
            << e.what();
    }
}

TEST_F(PgConnection, TerminatedSessionIsATransientFailure) {
    auto db = connect();
    auto admin = connect();
    const auto pid = db.query("SELECT pg_backend_pid()").integer(0, 0);
    admin.query("SELECT pg_terminate_backend($1)", pg::Params().integer(pid));
    try {
        db.query("SELECT 1");
        FAIL() << "a terminated session still answered";
    } catch (const pg::Error& e) {
        EXPECT_TRUE(e.transient()) << e.sqlstate() << " " << e.what();
        EXPECT_FALSE(db.ok());
    }
}

// A server that keeps a statement past the answer timeout (here pg_sleep; in production a silent
// network cut or a commit waiting for a lost synchronous replica) fails it as unreachable and
// drops the connection, instead of holding the caller for as long as the server takes.
TEST_F(PgConnection, AnUnansweredStatementDropsTheConnectionAtItsTimeout) {
    pg::Connection db(url_, shared_pg_cluster().password(),
                      pg::ConnectionLimits{std::chrono::milliseconds(300)});
    EXPECT_EQ(db.query("SELECT pg_sleep(0.01), 7").integer(0, 1), 7) << "a prompt answer";
    try {
        db.query("SELECT pg_sleep(30)");
        FAIL() << "the statement outlived its timeout";
    } catch (const pg::Error& e) {
        EXPECT_TRUE(store::is_unreachable(e)) << e.sqlstate() << " " << e.what();
        EXPECT_NE(std::string(e.what()).find("no answer"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(db.ok());
    EXPECT_FALSE(db.answers());
    EXPECT_THROW(db.exec("SELECT 1"), pg::Error) << "a dropped connection is not reused";
}

TEST_F(PgConnection, WithoutATimeoutAStatementWaitsForItsAnswer) {
    auto db = connect();
    EXPECT_EQ(db.query("SELECT pg_sleep(0.5), 8").integer(0, 1), 8);
    db.exec("SELECT pg_sleep(0.2); SELECT 1");
    EXPECT_TRUE(db.answers());
}

// Several statements in one exec: the first failure is what is reported, as PQexec did.
TEST_F(PgConnection, AFailureAmongSeveralStatementsIsReported) {
    auto db = connect();
    db.exec("CREATE TABLE m (k TEXT PRIMARY KEY)");
    db.exec("INSERT INTO m VALUES ('a')");
    try {
        db.exec("SELECT 1; INSERT INTO m VALUES ('a'); SELECT 2");
        FAIL() << "a failing statement among several went unnoticed";
    } catch (const pg::Error& e) {
        EXPECT_TRUE(e.unique_violation()) << e.sqlstate() << " " << e.what();
    }
    EXPECT_TRUE(db.answers()) << "the connection stays usable after a statement error";
}

// Sending ahead: queued writes run, in order, before the statement that needs an answer.
TEST_F(PgConnection, WritesSentAheadRunInOrderWithTheNextQuery) {
    auto db = connect();
    db.exec("CREATE TABLE w (n BIGINT, t TEXT)");
    db.set_send_ahead(true);
    db.write("BEGIN");
    db.write("INSERT INTO w VALUES ($1, $2)", pg::Params().integer(1).text("a"));
    db.write("UPDATE w SET t = $1 WHERE n = $2", pg::Params().text("b").integer(1));
    db.write("INSERT INTO w VALUES ($1, $2)", pg::Params().integer(2).text("c"));
    // Nothing queued has reached the server yet: another session sees no table change.
    auto other = connect();
    EXPECT_EQ(other.query("SELECT count(*) FROM w").integer(0, 0), 0);
    const auto r = db.query("SELECT string_agg(n || t, ',' ORDER BY n) FROM w");
    EXPECT_EQ(r.text(0, 0), "1b,2c");
    EXPECT_TRUE(db.in_transaction());
    db.write("COMMIT");
    db.sync();
    EXPECT_FALSE(db.in_transaction());
    EXPECT_EQ(other.query("SELECT count(*) FROM w").integer(0, 0), 2);
}

TEST_F(PgConnection, AFailedWriteSentAheadIsThrownByTheNextCallAndWhatFollowedDidNotRun) {
    auto db = connect();
    db.exec("CREATE TABLE u (k TEXT PRIMARY KEY)");
    db.exec("INSERT INTO u VALUES ('a')");
    db.set_send_ahead(true);
    db.write("BEGIN");
    db.write("INSERT INTO u VALUES ($1)", pg::Params().text("b"));
    db.write("INSERT INTO u VALUES ($1)", pg::Params().text("a"));
    db.write("INSERT INTO u VALUES ($1)", pg::Params().text("c"));
    try {
        db.query("SELECT count(*) FROM u");
        FAIL() << "a failed write sent ahead went unnoticed";
    } catch (const pg::Error& e) {
        EXPECT_TRUE(e.unique_violation()) << e.sqlstate() << " " << e.what();
        EXPECT_NE(std::string(e.what()).find("sent ahead: INSERT INTO u"), std::string::npos)
            << e.what();
    }
    db.set_send_ahead(false);
    db.exec("ROLLBACK");
    EXPECT_EQ(db.query("SELECT string_agg(k, ',' ORDER BY k) FROM u").text(0, 0), "a");
    EXPECT_TRUE(db.answers()) << "the connection leaves pipeline mode after a failure";
}

TEST_F(PgConnection, WithoutSendingAheadAWriteRunsAtOnce) {
    auto db = connect();
    db.exec("CREATE TABLE i (k TEXT)");
    db.write("INSERT INTO i VALUES ($1)", pg::Params().text("x"));
    auto other = connect();
    EXPECT_EQ(other.query("SELECT count(*) FROM i").integer(0, 0), 1);
}

TEST_F(PgConnection, DiscardedWritesNeverReachTheServer) {
    auto db = connect();
    db.exec("CREATE TABLE d (k TEXT)");
    db.set_send_ahead(true);
    db.write("INSERT INTO d VALUES ($1)", pg::Params().text("x"));
    db.discard_queued();
    db.sync();
    EXPECT_EQ(db.query("SELECT count(*) FROM d").integer(0, 0), 0);
}

TEST_F(PgConnection, MigrationsApplyOnceWhenGatewaysStartTogether) {
    std::vector<int> versions(4, -1);
    std::vector<std::thread> starters;
    for (std::size_t i = 0; i < versions.size(); ++i) {
        starters.emplace_back([&, i] {
            auto db = connect();
            versions[i] = store::migrate(db);
        });
    }
    for (auto& t : starters) t.join();
    for (int v : versions) EXPECT_GE(v, 1);
    EXPECT_EQ(versions[0], versions[3]);
    auto db = connect();
    const auto rows = db.query("SELECT count(*), count(DISTINCT version) FROM schema_migrations");
    EXPECT_EQ(rows.integer(0, 0), rows.integer(0, 1)) << "a version was applied twice";
    EXPECT_EQ(rows.integer(0, 0), versions[0]);
    EXPECT_EQ(store::migrate(db), versions[0]) << "a second start changes nothing";
}

TEST(PgUrl, AcceptsWhatCannotFallBackToPlaintext) {
    EXPECT_FALSE(pg::url_problem("postgresql://fieldgate@127.0.0.1:5432/fieldgate"));
    EXPECT_FALSE(pg::url_problem("postgresql://fieldgate@localhost/fieldgate"));
    EXPECT_FALSE(pg::url_problem(
        "postgresql://fieldgate@db.city.example/fieldgate?sslmode=verify-full&sslrootcert=ca.pem"));
    EXPECT_FALSE(
        pg::url_problem("postgresql://fieldgate@db.city.example/fieldgate?sslmode=disable"));
}

TEST(PgUrl, RefusesAPasswordInTheUrlWithoutRepeatingIt) {
    const auto problem = pg::url_problem("postgresql://fieldgate:hunter2@127.0.0.1/fieldgate");
    ASSERT_TRUE(problem);
    EXPECT_NE(problem->find("secret store"), std::string::npos) << *problem;
    EXPECT_EQ(problem->find("hunter2"), std::string::npos);
}

TEST(PgUrl, RefusesModesThatFallBackToPlaintextSilently) {
    for (const char* mode : {"prefer", "allow"}) {
        const auto problem = pg::url_problem(
            std::string("postgresql://fieldgate@127.0.0.1/fieldgate?sslmode=") + mode);
        ASSERT_TRUE(problem) << mode;
        EXPECT_NE(problem->find("plaintext"), std::string::npos) << *problem;
    }
}

TEST(PgUrl, RefusesARemoteServerWithoutATlsMode) {
    const auto problem = pg::url_problem("postgresql://fieldgate@db.city.example/fieldgate");
    ASSERT_TRUE(problem);
    EXPECT_NE(problem->find("sslmode"), std::string::npos) << *problem;
}

TEST(PgUrl, RefusesWhatIsNotAUrl) {
    EXPECT_TRUE(pg::url_problem("postgresql://fieldgate@127.0.0.1/db?nonsense_option=1"));
}

}  // namespace
}  // namespace fieldgate::test
