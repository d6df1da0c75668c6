// The console's named staff accounts: a users file of one account a line,
// `<name> <role> <Argon2id hash>` (libsodium's crypto_pwhash_str form), `#` comments. The
// file holds no password; `fieldgate console user` writes it, reading the password from stdin.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldgate::console {

inline constexpr std::string_view kViewer = "viewer";      // reads
inline constexpr std::string_view kOperator = "operator";  // also replays, discards, reloads

struct Account {
    std::string name;
    std::string role;
    std::string hash;  // $argon2id$v=19$m=...,t=...,p=...$salt$hash
};

// A name of 1 to 64 characters from [A-Za-z0-9._-].
bool valid_account_name(std::string_view name);
bool valid_role(std::string_view role);

// Throws std::runtime_error naming the file and line of a malformed account. A missing file is
// no account at all.
std::vector<Account> read_users_file(const std::string& path);
std::optional<Account> find_account(const std::string& path, std::string_view name);

// Adds the account, or replaces the one of that name; the file is written whole beside the old
// one and renamed over it, readable by its owner only.
void put_account(const std::string& path, const Account& account);

// Argon2id (libsodium, its interactive limits: 2 passes over 64 MiB).
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);
// Costs what a verification costs, for a name that has no account: a stranger cannot tell
// names from the time a refusal takes.
void verify_nothing(std::string_view password);

// 32 random bytes (libsodium), as 64 hex digits.
std::string random_token();

}  // namespace fieldgate::console
