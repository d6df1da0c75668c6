// The page cache SQLite runs on in this process (gateway/store/sqlite/page_cache.cpp): SQLite's
// own, with the lock-byte page's number renamed. A wrong renaming loses or mixes pages, which
// the B-tree balances below (random keys, a cache of a few pages, rolled-back transactions)
// would show as rows missing or an integrity check failing.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>

#include "page_cache.h"
#include "sqlite.h"
#include "support/temp_dir.h"

namespace fieldgate::sqlite {
namespace {

std::string random_key(std::mt19937_64& random) {
    static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string key(24, ' ');
    for (char& c : key) c = kLetters[random() % (sizeof(kLetters) - 1)];
    return key;
}

std::int64_t single_integer(Connection& db, const std::string& sql) {
    auto q = db.prepare(sql);
    EXPECT_TRUE(q->step()) << sql;
    return q->integer(0);
}

TEST(SqlitePageCache, IsSqlitesCacheForEveryConnection) {
    test::TempDir dir;
    Connection db(dir.file("p.db"), {});
    EXPECT_TRUE(page_cache_installed());
}

TEST(SqlitePageCache, BalancesThatSwapPageNumbersKeepEveryRow) {
    test::TempDir dir;
    Connection db(dir.file("p.db"), {.synchronous = "OFF"});
    db.exec("PRAGMA cache_size=8");
    db.exec("CREATE TABLE rows (key TEXT PRIMARY KEY, value INTEGER NOT NULL, pad TEXT NOT NULL)");
    db.exec("CREATE INDEX rows_value ON rows (value)");
    std::mt19937_64 random(20261205);
    std::set<std::string> kept;
    std::int64_t kept_sum = 0;
    for (int transaction = 0; transaction < 120; ++transaction) {
        const bool roll_back = transaction % 7 == 3;
        db.exec("BEGIN");
        std::set<std::string> added;
        std::int64_t added_sum = 0;
        auto insert = db.prepare("INSERT INTO rows (key, value, pad) VALUES (?1, ?2, ?3)");
        for (int i = 0; i < 150; ++i) {
            const std::string key = random_key(random);
            const auto value = static_cast<std::int64_t>(random() % 1000000);
            insert->bind(1, key).bind(2, value).bind(3, std::string(40 + value % 80, 'x'));
            insert->run();
            insert->reset();
            added.insert(key);
            added_sum += value;
        }
        db.exec(roll_back ? "ROLLBACK" : "COMMIT");
        if (roll_back) continue;
        kept.insert(added.begin(), added.end());
        kept_sum += added_sum;
    }
    auto check = db.prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check->step());
    EXPECT_EQ(check->text(0), "ok");
    EXPECT_EQ(single_integer(db, "SELECT COUNT(*) FROM rows"),
              static_cast<std::int64_t>(kept.size()));
    EXPECT_EQ(single_integer(db, "SELECT SUM(value) FROM rows INDEXED BY rows_value"), kept_sum);
    auto find = db.prepare("SELECT COUNT(*) FROM rows WHERE key = ?1");
    for (const std::string& key : kept) {
        find->bind(1, key);
        ASSERT_TRUE(find->step());
        ASSERT_EQ(find->integer(0), 1) << key;
        find->reset();
    }
}

}  // namespace
}  // namespace fieldgate::sqlite
