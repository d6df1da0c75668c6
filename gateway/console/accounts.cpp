#include "accounts.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace fieldgate::console {

namespace {

void init_sodium() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
    });
}

std::string to_hex(const unsigned char* bytes, std::size_t n) {
    std::string out(n * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes, n);
    out.pop_back();
    return out;
}

}  // namespace

bool valid_account_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

bool valid_role(std::string_view role) {
    return role == kViewer || role == kOperator;
}

std::vector<Account> read_users_file(const std::string& path) {
    std::vector<Account> out;
    std::ifstream in(path);
    if (!in) return out;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        std::istringstream fields(line);
        Account a;
        std::string extra;
        fields >> a.name >> a.role >> a.hash >> extra;
        if (!valid_account_name(a.name) || !valid_role(a.role) ||
            a.hash.rfind("$argon2id$", 0) != 0 || !extra.empty())
            throw std::runtime_error(path + ":" + std::to_string(number) +
                                     ": expected `<name> <viewer|operator> <$argon2id$ hash>`");
        out.push_back(std::move(a));
    }
    return out;
}

std::optional<Account> find_account(const std::string& path, std::string_view name) {
    for (auto& a : read_users_file(path))
        if (a.name == name) return std::move(a);
    return std::nullopt;
}

void put_account(const std::string& path, const Account& account) {
    auto accounts = read_users_file(path);
    bool replaced = false;
    for (auto& a : accounts) {
        if (a.name != account.name) continue;
        a = account;
        replaced = true;
    }
    if (!replaced) accounts.push_back(account);
    const std::string temp = path + ".new";
    {
        const auto old_mask = ::umask(077);
        std::ofstream out(temp, std::ios::trunc);
        ::umask(old_mask);
        if (!out) throw std::runtime_error("cannot write " + temp);
        out << "# fieldgate console accounts: <name> <viewer|operator> <Argon2id hash>\n";
        for (const auto& a : accounts) out << a.name << ' ' << a.role << ' ' << a.hash << '\n';
        out.flush();
        if (!out) throw std::runtime_error("cannot write " + temp);
    }
    std::filesystem::permissions(
        temp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::filesystem::rename(temp, path);
}

std::string hash_password(std::string_view password) {
    init_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(
            out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("out of memory hashing the password");
    return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
    init_sodium();
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void verify_nothing(std::string_view password) {
    static const std::string decoy = hash_password("fieldgate decoy password");
    (void)verify_password(decoy, password);
}

std::string random_token() {
    init_sodium();
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    return to_hex(bytes, sizeof bytes);
}

}  // namespace fieldgate::console
