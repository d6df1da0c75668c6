// How this process runs SQLite (gateway/store/sqlite/): its page cache, SQLite's own with the
// lock-byte page's number renamed (page_cache.cpp), and the WAL write batching of writing
// connections (wal_write_batching.cpp).
//
// A wrong renaming loses or mixes pages, which B-tree balances (random keys, a cache of a few
// pages, rolled-back transactions) show as rows missing or an integrity check failing. For the
// batching, what counts is that every committed frame is in the WAL file when the commit
// returns, and that a reader never misses a commit.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <set>
#include <string>

#include "page_cache.h"
#include "sqlite.h"
#include "support/temp_dir.h"
#include "wal_write_batching.h"

namespace fieldgate::sqlite {
namespace {

std::int64_t single_integer(Connection& db, const std::string& sql) {
    auto q = db.prepare(sql);
    EXPECT_TRUE(q->step()) << sql;
    return q->integer(0);
}

std::string vfs_name(Connection& db) {
    sqlite3_vfs* vfs = nullptr;
    sqlite3_file_control(db.handle(), "main", SQLITE_FCNTL_VFS_POINTER, &vfs);
    return vfs ? vfs->zName : "";
}

void insert_rows(Connection& db, int first, int count, std::size_t pad) {
    auto insert = db.prepare("INSERT INTO rows (n, pad) VALUES (?1, ?2)");
    for (int n = first; n < first + count; ++n) {
        insert->bind(1, n).bind(2, std::string(pad, static_cast<char>('a' + n % 26)));
        insert->run();
        insert->reset();
    }
}

TEST(SqliteWalBatching, OnlyConnectionsSyncedAtEveryCommitUseIt) {
    test::TempDir dir;
    Connection full(dir.file("w.db"), {.synchronous = "FULL"});
    Connection normal(dir.file("w.db"), {.synchronous = "NORMAL"});
    Connection reader(dir.file("w.db"), {.read_only = true});
    EXPECT_EQ(vfs_name(full), std::string(kWalWriteBatchingVfs));
    EXPECT_NE(vfs_name(normal), std::string(kWalWriteBatchingVfs));
    EXPECT_NE(vfs_name(reader), std::string(kWalWriteBatchingVfs));
}

TEST(SqliteWalBatching, EveryCommitIsInTheWalFileWhenItReturns) {
    test::TempDir dir;
    Connection writer(dir.file("w.db"), {.synchronous = "FULL"});
    writer.exec("CREATE TABLE rows (n INTEGER PRIMARY KEY, pad TEXT NOT NULL)");
    Connection reader(dir.file("w.db"), {.read_only = true});
    for (int commit = 1; commit <= 20; ++commit) {
        writer.exec("BEGIN");
        insert_rows(writer, (commit - 1) * 40, 40, 300);
        writer.exec("COMMIT");
        EXPECT_EQ(single_integer(reader, "SELECT COUNT(*) FROM rows"), commit * 40);
    }
    // A copy of the files as they are now, the writer still open, is what a crash would leave:
    // recovery from it must find every commit.
    std::filesystem::create_directory(dir.path() / "copy");
    for (const char* name : {"w.db", "w.db-wal"}) {
        std::filesystem::copy_file(dir.path() / name, dir.path() / "copy" / name);
    }
    Connection recovered(dir.file("copy/w.db"), {.synchronous = "FULL"});
    EXPECT_EQ(single_integer(recovered, "SELECT COUNT(*) FROM rows"), 800);
}

TEST(SqliteWalBatching, TransactionsLargerThanTheBufferAndRollbacksStayIntact) {
    test::TempDir dir;
    Connection writer(dir.file("w.db"), {.synchronous = "FULL"});
    writer.exec("PRAGMA cache_size=16");  // pages spill into the WAL before the commit
    writer.exec("CREATE TABLE rows (n INTEGER PRIMARY KEY, pad TEXT NOT NULL)");
    writer.exec("BEGIN");
    insert_rows(writer, 0, 3000, 1000);  // ~3 MB: three buffers' worth
    writer.exec("COMMIT");
    writer.exec("BEGIN");
    insert_rows(writer, 3000, 2000, 1000);
    writer.exec("UPDATE rows SET pad = 'changed' WHERE n % 3 = 0");
    writer.exec("ROLLBACK");
    writer.exec("UPDATE rows SET pad = 'kept' WHERE n % 5 = 0");
    auto check = writer.prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check->step());
    EXPECT_EQ(check->text(0), "ok");
    Connection reader(dir.file("w.db"), {.read_only = true});
    EXPECT_EQ(single_integer(reader, "SELECT COUNT(*) FROM rows"), 3000);
    EXPECT_EQ(single_integer(reader, "SELECT COUNT(*) FROM rows WHERE pad = 'kept'"), 600);
    EXPECT_EQ(single_integer(reader, "SELECT COUNT(*) FROM rows WHERE pad = 'changed'"), 0);
}

std::string random_key(std::mt19937_64& random) {
    static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string key(24, ' ');
    for (char& c : key) c = kLetters[random() % (sizeof(kLetters) - 1)];
    return key;
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
