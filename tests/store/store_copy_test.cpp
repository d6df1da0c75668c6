// `fieldgate store copy`: a SQLite store moved into an empty PostgreSQL database keeps every
// row, id, byte and double; new rows get ids above the copied ones; a database holding rows, a
// file at another schema version and a failing row are refused with nothing committed.
#include <regex>

#include "store_copy.h"
#include "store_copy_rows.h"
#include "store_fixture.h"
#include "support/command_runner.h"

namespace fieldgate::test {
namespace {

class StoreCopy : public testing::Test {
  protected:
    void SetUp() override {
        file_ = std::make_unique<sqlite::Connection>(path(), sqlite::OpenOptions{});
        store::migrate(*file_);
        url_ = fresh_pg_database("copy");
        pg_ = std::make_unique<pg::Connection>(url_, shared_pg_cluster().password());
    }

    std::string path() const { return dir_.file("store.db"); }

    // As the command opens the file: read-only.
    store::CopyReport copy() {
        sqlite::OpenOptions read_only;
        read_only.read_only = true;
        sqlite::Connection from(path(), read_only);
        return store::copy_sqlite_to_postgres(from, *pg_);
    }

    std::int64_t pg_count(const std::string& table) {
        return pg_->query("SELECT count(*) FROM " + table).integer(0, 0);
    }

    std::int64_t pg_table_count() {
        return pg_
            ->query(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                "current_schema()")
            .integer(0, 0);
    }

    void expect_same_rows() {
        for (const auto& table : copy_rows::sqlite_tables(*file_)) {
            const auto expected = copy_rows::sqlite_rows(*file_, table);
            const auto actual =
                copy_rows::pg_rows(*pg_, table, copy_rows::sqlite_columns(*file_, table));
            EXPECT_EQ(actual.size(), expected.size()) << table;
            EXPECT_TRUE(actual == expected) << table << ": rows differ";
        }
    }

    TempDir dir_;
    std::unique_ptr<sqlite::Connection> file_;
    std::string url_;
    std::unique_ptr<pg::Connection> pg_;
};

TEST_F(StoreCopy, CopiesEveryTableRowForRow) {
    copy_rows::seed(*file_);
    const auto tables = copy_rows::sqlite_tables(*file_);
    for (const auto& table : tables)
        ASSERT_FALSE(copy_rows::sqlite_rows(*file_, table).empty()) << table << " has no row";

    const auto report = copy();

    ASSERT_EQ(report.tables.size(), tables.size());
    std::int64_t total = 0;
    for (const auto& t : report.tables) {
        EXPECT_EQ(t.rows, static_cast<std::int64_t>(copy_rows::sqlite_rows(*file_, t.table).size()))
            << t.table;
        total += t.rows;
    }
    EXPECT_EQ(report.total, total);
    expect_same_rows();
    EXPECT_EQ(pg_->query("SELECT bytes FROM crew_photo_chunks").bytes(0, 0),
              copy_rows::all_byte_values());
    EXPECT_EQ(pg_->query("SELECT speed_kmh FROM trucks").real(0, 0), 0.1 + 0.2);
    EXPECT_EQ(pg_count("truck_positions"), copy_rows::kTruckPositions);
}

TEST_F(StoreCopy, NewRowsGetIdsAboveTheCopiedOnes) {
    copy_rows::seed(*file_);
    copy();

    const auto id = pg_->query(
                           "INSERT INTO truck_positions (truck_id, fix_time, lat, lon) "
                           "VALUES ('T1', '2026-12-05T08:00:00Z', 39.7, -89.6) RETURNING id")
                        .integer(0, 0);
    EXPECT_GT(id, copy_rows::kLargestTruckPositionId);
    const auto identities = pg_->query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'");
    ASSERT_GT(identities.rows(), 0);
    for (int i = 0; i < identities.rows(); ++i) {
        const auto table = identities.text(i, 0);
        const auto column = identities.text(i, 1);
        const auto next = pg_->query("SELECT nextval(pg_get_serial_sequence($1, $2))",
                                     pg::Params().text(table).text(column))
                              .integer(0, 0);
        const auto largest =
            pg_->query("SELECT max(" + column + ") FROM " + table).optional_integer(0, 0);
        ASSERT_TRUE(largest) << table << " has no row";
        EXPECT_GT(next, *largest) << table;
    }
}

TEST_F(StoreCopy, ASecondCopyIsRefusedAndChangesNothing) {
    copy_rows::seed(*file_);
    copy();
    file_->exec("UPDATE trucks SET state = 'parked'");

    try {
        copy();
        FAIL() << "copied into a database holding rows";
    } catch (const store::CopyRefused& e) {
        EXPECT_NE(std::string(e.what()).find("already holds rows"), std::string::npos) << e.what();
    }
    EXPECT_EQ(pg_->query("SELECT state FROM trucks").text(0, 0), "on_route");
    file_->exec("UPDATE trucks SET state = 'on_route'");
    expect_same_rows();
}

TEST_F(StoreCopy, AFileAtAnotherSchemaVersionIsRefused) {
    copy_rows::seed(*file_);
    file_->exec("DELETE FROM schema_migrations WHERE version = 10");
    try {
        copy();
        FAIL() << "copied a file at schema version 9";
    } catch (const store::CopyRefused& e) {
        EXPECT_NE(std::string(e.what()).find("version 9"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("start the gateway once"), std::string::npos);
    }
    file_->exec("INSERT INTO schema_migrations VALUES (10, 'x'), (11, 'x')");
    EXPECT_THROW(copy(), store::CopyRefused) << "a file newer than the PostgreSQL schema";
    EXPECT_EQ(pg_table_count(), 0) << "the target was touched";
}

TEST_F(StoreCopy, ARowPostgreSQLRefusesLeavesEveryTableEmpty) {
    copy_rows::seed(*file_);
    // An outcome whose order is gone, as a file written with foreign keys off could hold: the
    // tables copied before it must not keep their rows.
    file_->exec(
        "PRAGMA foreign_keys=OFF; UPDATE outcomes SET work_order_id = 'gone'; "
        "PRAGMA foreign_keys=ON");

    EXPECT_THROW(copy(), pg::Error);

    for (const auto& table : copy_rows::sqlite_tables(*file_))
        EXPECT_EQ(pg_count(table), 0) << table;
}

TEST_F(StoreCopy, TheCommandPrintsTheCountsAndNeverThePassword) {
    copy_rows::seed(*file_);
    const auto& password = shared_pg_cluster().password();
    const auto password_file = dir_.write("pg-password", password + "\n");
    const auto command = shell_quote(fieldgate_binary()) + " store copy --from " +
                         shell_quote(path()) + " --to " + shell_quote(url_);

    const auto copied = run_command(command + " --password-file " + shell_quote(password_file));

    EXPECT_EQ(copied.exit_code, 0) << copied.output;
    EXPECT_TRUE(std::regex_search(copied.output, std::regex(R"(\ntruck_positions +2500\n)")))
        << copied.output;
    EXPECT_TRUE(std::regex_search(copied.output, std::regex(R"(\ncrew_photo_chunks +1\n)")))
        << copied.output;
    std::smatch total;
    ASSERT_TRUE(std::regex_search(copied.output, total, std::regex(R"(\ntotal +(\d+)\n)")))
        << copied.output;
    std::size_t rows = 0;
    for (const auto& table : copy_rows::sqlite_tables(*file_))
        rows += copy_rows::sqlite_rows(*file_, table).size();
    EXPECT_EQ(std::stoull(total[1]), rows);
    EXPECT_EQ(copied.output.find(password), std::string::npos);

    const auto again =
        run_command("FIELDGATE_STORE_PASSWORD=" + shell_quote(password) + " " + command);
    EXPECT_NE(again.exit_code, 0);
    EXPECT_NE(again.output.find("already holds rows"), std::string::npos) << again.output;
    EXPECT_EQ(again.output.find(password), std::string::npos);

    const auto wrong = run_command("FIELDGATE_STORE_PASSWORD=not-the-password " + command);
    EXPECT_NE(wrong.exit_code, 0);
    EXPECT_NE(wrong.output.find("password authentication failed"), std::string::npos)
        << wrong.output;
    EXPECT_EQ(wrong.output.find("not-the-password"), std::string::npos);

    const auto missing =
        run_command(shell_quote(fieldgate_binary()) + " store copy --from " +
                    shell_quote(dir_.file("none.db")) + " --to " + shell_quote(url_));
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.output.find("no SQLite store at"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace fieldgate::test
