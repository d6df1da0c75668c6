// The console's accounts, session cookie and static files, without a gateway: Argon2id hashes
// verify only their password, the users file refuses a malformed line naming it, a session's
// cookie is found among others, and a static file is found by its name only.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "accounts.h"
#include "config.h"
#include "console_sessions.h"
#include "secrets.h"
#include "static_files.h"
#include "support/temp_dir.h"

namespace fieldgate {
namespace {

TEST(ConsoleAccounts, AnArgon2idHashVerifiesItsPasswordOnly) {
    const auto hash = console::hash_password("correct horse battery");
    EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
    EXPECT_EQ(hash.find("correct horse"), std::string::npos);
    EXPECT_TRUE(console::verify_password(hash, "correct horse battery"));
    EXPECT_FALSE(console::verify_password(hash, "correct horse battery "));
    EXPECT_FALSE(console::verify_password(hash, ""));
    EXPECT_NE(console::hash_password("correct horse battery"), hash) << "salted";
}

TEST(ConsoleAccounts, PutAccountAddsAndReplacesAndTheFileIsTheOwnersOnly) {
    test::TempDir dir;
    const auto users = dir.file("users");
    console::put_account(users, {"ana", "viewer", console::hash_password("first password")});
    console::put_account(users, {"ben", "operator", console::hash_password("ben's password")});
    console::put_account(users, {"ana", "operator", console::hash_password("second password")});
    const auto accounts = console::read_users_file(users);
    ASSERT_EQ(accounts.size(), 2u);
    const auto ana = console::find_account(users, "ana");
    ASSERT_TRUE(ana);
    EXPECT_EQ(ana->role, "operator");
    EXPECT_TRUE(console::verify_password(ana->hash, "second password"));
    EXPECT_FALSE(console::verify_password(ana->hash, "first password"));
    const auto perms = std::filesystem::status(users).permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none);
}

TEST(ConsoleAccounts, AMalformedLineIsRefusedNamingTheFileAndLine) {
    test::TempDir dir;
    const auto users =
        dir.write("users", "# staff\n\nana operator $argon2id$x\nben admin $argon2id$y\n");
    try {
        console::read_users_file(users);
        FAIL() << "accepted role 'admin'";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(users + ":4:"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(console::read_users_file(dir.file("missing")).empty());
    EXPECT_FALSE(console::valid_account_name("ana smith"));
    EXPECT_FALSE(console::valid_account_name(""));
    EXPECT_TRUE(console::valid_account_name("ana.smith-2"));
}

TEST(ConsoleSessions, TheCookieIsFoundAmongOthersAndTheCsrfTokenIsNotTheId) {
    http::Request r;
    r.headers.push_back({"cookie", "theme=dark; fieldgate_session=abc123; other=1"});
    EXPECT_EQ(console::Sessions::cookie(r).value_or(""), "abc123");
    http::Request none;
    none.headers.push_back({"cookie", "xfieldgate_session=abc"});
    EXPECT_FALSE(console::Sessions::cookie(none));
    const auto id = console::random_token();
    EXPECT_EQ(id.size(), 64u);
    EXPECT_NE(console::random_token(), id);
    const auto csrf = console::Sessions::csrf_token(id);
    EXPECT_NE(csrf, id);
    EXPECT_EQ(csrf, console::Sessions::csrf_token(id));
    EXPECT_NE(console::Sessions::id_hash(id), id);
    EXPECT_TRUE(constant_time_equal(csrf, console::Sessions::csrf_token(id)));
    EXPECT_FALSE(constant_time_equal(csrf, csrf.substr(1)));
}

TEST(ConsoleStaticFiles, FilesAreFoundByNameOnlyWithTheirTypes) {
    test::TempDir dir;
    dir.write("site/index.html", "<!doctype html>");
    dir.write("site/app.js", "export {}");
    dir.write("site/.hidden.js", "secret");
    dir.write("site/notes.txt", "not served");
    dir.write("site/sub/deep.js", "not served");
    dir.write("outside.js", "outside");
    std::filesystem::create_symlink(dir.file("outside.js"), dir.file("site/link.js"));
    const console::StaticFiles files(dir.file("site"));
    ASSERT_NE(files.find("index.html"), nullptr);
    EXPECT_EQ(files.find("index.html")->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(files.find("app.js")->content_type, "text/javascript; charset=utf-8");
    for (const char* name : {".hidden.js", "notes.txt", "sub/deep.js", "deep.js", "link.js",
                             "../outside.js", "..", ""})
        EXPECT_EQ(files.find(name), nullptr) << name;
    EXPECT_EQ(files.size(), 2u);
}

TEST(ConsoleConfig, TheShippedConsoleIsServedUnlessTheConfigNamesAnother) {
    test::TempDir dir;
    const auto plain = load_config(dir.write("a/gateway.json", "{}"));
    EXPECT_EQ(plain.console_dir, test::source_path("console"));
    EXPECT_TRUE(plain.console_users_file.empty());
    const auto own = load_config(
        dir.write("b/gateway.json",
                  R"({"console": {"users_file": "users", "dir": "ui", "session_hours": 2}})"));
    EXPECT_EQ(own.console_users_file, (dir.path() / "b/users").string());
    EXPECT_EQ(own.console_dir, (dir.path() / "b/ui").string());
    EXPECT_EQ(own.console_session_hours, 2);
    EXPECT_FALSE(own.console_secure_cookie);
    EXPECT_TRUE(load_config(dir.write("d/gateway.json", R"({"console": {"secure_cookie": true}})"))
                    .console_secure_cookie);
    EXPECT_THROW(load_config(dir.write("c/gateway.json", R"({"console": {"users": "x"}})")),
                 std::runtime_error);
}

}  // namespace
}  // namespace fieldgate
