// A store migrated by a newer fieldgate is refused at start by an older one, on both stores:
// the older binary would write rows the newer schema does not expect.
#include "store_fixture.h"

namespace fieldgate::test {
namespace {

class SchemaVersionTest : public StoreTest {
  protected:
    int migrate_again() {
        return sqlite_db() ? store::migrate(*sqlite_db()) : store::migrate(*pg_db());
    }
};

TEST_P(SchemaVersionTest, AStoreAtTheKnownVersionMigratesToItselfAgain) {
    const int known = migrate_again();
    EXPECT_EQ(migrate_again(), known);
}

TEST_P(SchemaVersionTest, AStoreMigratedByANewerFieldgateIsRefused) {
    const int known = migrate_again();
    setup_sql("INSERT INTO schema_migrations (version, applied_at) VALUES (" +
              std::to_string(known + 1) + ", '2027-01-01T00:00:00Z')");
    try {
        migrate_again();
        FAIL() << "a newer schema was taken";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("schema version " + std::to_string(known + 1) +
                                             ", newer than this fieldgate knows"),
                  std::string::npos)
            << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(Stores, SchemaVersionTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

}  // namespace
}  // namespace fieldgate::test
