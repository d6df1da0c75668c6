// Test certificates made with the openssl command line at test time (EC P-256, one openssl call
// per certificate): a test CA and an unrelated one, server certificates (good, expired, wrong
// host, untrusted, expiring in 5 days) and client certificates (two signed by the test CA, one
// self-signed). TestCerts::shared() makes them once per test binary.
#pragma once

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "support/command_runner.h"
#include "support/temp_dir.h"

namespace fieldgate::test {

class TestCerts {
  public:
    TestCerts() {
        dir_.write("openssl.cnf", kConfig);
        dir_.write("index.txt", "");
        dir_.write("serial", "1000\n");
        make_ca("ca", "fieldgate test CA");
        make_ca("other_ca", "fieldgate other CA");
        make_server("server", "ca", 825);
        make_server("expiring", "ca", 5);
        make_server("untrusted", "other_ca", 825);
        make_server("wrong_host", "ca", 825, "DNS:wrong.example", "wrong.example");
        make_expired_server("expired");
        make_client("client_bay", "bay-hauling", "ca");
        make_client("client_curbside", "curbside-junk", "ca");
        make_client("client_self", "self-signed-client", "");
    }

    static const TestCerts& shared() {
        static const TestCerts certs;
        return certs;
    }

    // The full path of "server.pem", "server.key", "ca.pem", ...
    std::string path(const std::string& name) const { return dir_.file(name); }
    const std::filesystem::path& dir() const { return dir_.path(); }

    // SHA-256 of the certificate's DER, lower-case hex without separators.
    std::string sha256(const std::string& name) const {
        const std::string file = name.find('.') == std::string::npos ? name + ".pem" : name;
        std::lock_guard lock(mutex_);
        if (auto it = fingerprints_.find(file); it != fingerprints_.end()) return it->second;
        const auto r = openssl("x509 -noout -fingerprint -sha256 -in " + quoted(file));
        const auto eq = r.find('=');
        if (eq == std::string::npos) throw std::runtime_error("no fingerprint: " + r);
        std::string hex;
        for (char c : r.substr(eq + 1))
            if (std::isxdigit(static_cast<unsigned char>(c)))
                hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return fingerprints_[file] = hex;
    }

    // A server certificate for localhost / 127.0.0.1 (or `san`) signed by `ca`, valid `days`.
    void make_server(const std::string& name, const std::string& ca, int days,
                     const std::string& san = "DNS:localhost,IP:127.0.0.1",
                     const std::string& cn = "localhost") const {
        openssl("req -config openssl.cnf -x509 " + new_key(name) + " -days " +
                std::to_string(days) + " -subj " + shell_quote("/CN=" + cn) +
                " -extensions server -addext " + shell_quote("subjectAltName=" + san) + signer(ca));
    }

    void make_client(const std::string& name, const std::string& cn, const std::string& ca) const {
        openssl("req -config openssl.cnf -x509 " + new_key(name) + " -days 825 -subj " +
                shell_quote("/CN=" + cn) + " -extensions client" + signer(ca));
    }

  private:
    static constexpr const char* kConfig = R"([ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
[ expired_server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
[ client ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
unique_subject = no
[ any ]
commonName = supplied
)";

    static std::string new_key(const std::string& name) {
        return "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name +
               ".key -out " + name + ".pem";
    }
    static std::string signer(const std::string& ca) {
        return ca.empty() ? std::string() : " -CA " + ca + ".pem -CAkey " + ca + ".key";
    }
    static std::string quoted(const std::string& s) { return shell_quote(s); }

    void make_ca(const std::string& name, const std::string& cn) const {
        openssl("req -config openssl.cnf -x509 " + new_key(name) + " -days 3650 -subj " +
                shell_quote("/CN=" + cn) + " -extensions v3_ca");
    }

    // `openssl x509 -days` cannot go into the past in OpenSSL 3.0; `openssl ca` takes dates.
    void make_expired_server(const std::string& name) const {
        openssl("req -config openssl.cnf -new " + new_key(name + "_csr") + " -subj /CN=localhost");
        openssl("ca -batch -notext -config openssl.cnf -cert ca.pem -keyfile ca.key -in " + name +
                "_csr.pem -out " + name + ".pem -extensions expired_server" +
                " -startdate 20200101000000Z -enddate 20200102000000Z");
        std::filesystem::rename(dir_.path() / (name + "_csr.key"), dir_.path() / (name + ".key"));
    }

    std::string openssl(const std::string& args) const {
        const auto r = run_command("cd " + shell_quote(dir_.path().string()) +
                                   " && OPENSSL_CONF=openssl.cnf openssl " + args);
        if (r.exit_code != 0) throw std::runtime_error("openssl " + args + ": " + r.output);
        return r.output;
    }

    TempDir dir_;
    mutable std::mutex mutex_;
    mutable std::map<std::string, std::string> fingerprints_;
};

}  // namespace fieldgate::test
