#include "tls_context.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <stdexcept>
#include <utility>

namespace fieldgate::http {
namespace {

namespace ssl = boost::asio::ssl;

// TLS 1.2 with forward secrecy and AEAD only; TLS 1.3 keeps OpenSSL's defaults.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr unsigned char kSessionIdContext[] = "fieldgate";

std::string openssl_error() {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return "unknown OpenSSL error";
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    return text;
}

// The client certificate is asked for but never required here: the handshake succeeds whatever
// the chain (a vendor may be pinned by the fingerprint of a self-signed certificate), and the
// chain's verdict stays in SSL_get_verify_result() for PeerCertificate::verified.
int accept_any_chain(int, X509_STORE_CTX*) {
    return 1;
}

struct X509Deleter {
    void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

std::chrono::system_clock::time_point read_not_after(const std::string& cert_file) {
    BIO* bio = BIO_new_file(cert_file.c_str(), "r");
    if (!bio) throw std::runtime_error("tls: cannot read " + cert_file);
    X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
    BIO_free(bio);
    std::tm tm{};
    if (!cert || ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1)
        throw std::runtime_error("tls: no certificate in " + cert_file);
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::shared_ptr<ssl::context> make_context(const ServerTls& files) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* h = ctx->native_handle();
    ERR_clear_error();
    const auto check = [](int ok, const std::string& what) {
        if (ok != 1) throw std::runtime_error("tls: " + what + ": " + openssl_error());
    };
    check(SSL_CTX_set_min_proto_version(h, TLS1_2_VERSION), "cannot require TLS 1.2");
    SSL_CTX_set_options(
        h, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    check(SSL_CTX_set_cipher_list(h, kTls12Ciphers), "cannot set the cipher list");
    check(SSL_CTX_use_certificate_chain_file(h, files.cert_file.c_str()),
          "cannot load the certificate " + files.cert_file);
    check(SSL_CTX_use_PrivateKey_file(h, files.key_file.c_str(), SSL_FILETYPE_PEM),
          "cannot load the key " + files.key_file);
    check(SSL_CTX_check_private_key(h),
          "the key " + files.key_file + " does not match " + files.cert_file);
    if (!files.client_ca_file.empty()) {
        check(SSL_CTX_load_verify_locations(h, files.client_ca_file.c_str(), nullptr),
              "cannot load the client CAs " + files.client_ca_file);
        if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca_file.c_str()))
            SSL_CTX_set_client_CA_list(h, names);
    }
    SSL_CTX_set_verify(h, SSL_VERIFY_PEER, accept_any_chain);
    check(SSL_CTX_set_session_id_context(h, kSessionIdContext, sizeof kSessionIdContext - 1),
          "cannot set the session id context");
    return ctx;
}

}  // namespace

TlsContexts::TlsContexts(ServerTls files)
    : files_(std::move(files)),
      current_(make_context(files_)),
      not_after_(read_not_after(files_.cert_file)) {}

std::shared_ptr<ssl::context> TlsContexts::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

std::optional<std::string> TlsContexts::reload() {
    try {
        auto fresh = make_context(files_);
        const auto not_after = read_not_after(files_.cert_file);
        std::lock_guard lock(mutex_);
        current_ = std::move(fresh);
        not_after_ = not_after;
    } catch (const std::exception& e) {
        spdlog::error("http: TLS reload failed, keeping the previous certificate: {}", e.what());
        return std::string(e.what());
    }
    spdlog::info("http: TLS certificate reloaded from {}", files_.cert_file);
    return std::nullopt;
}

std::chrono::system_clock::time_point TlsContexts::not_after() const {
    std::lock_guard lock(mutex_);
    return not_after_;
}

std::optional<PeerCertificate> peer_certificate(SSL* ssl) {
    X509Ptr cert(SSL_get1_peer_certificate(ssl));
    if (!cert) return std::nullopt;
    PeerCertificate out;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(cert.get(), EVP_sha256(), digest, &length) == 1) {
        static constexpr char kHex[] = "0123456789abcdef";
        for (unsigned int i = 0; i < length; ++i) {
            out.sha256.push_back(kHex[digest[i] >> 4]);
            out.sha256.push_back(kHex[digest[i] & 0xF]);
        }
    }
    if (BIO* bio = BIO_new(BIO_s_mem())) {
        X509_NAME_print_ex(bio, X509_get_subject_name(cert.get()), 0, XN_FLAG_RFC2253);
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio, &data);
        if (n > 0) out.subject.assign(data, static_cast<std::size_t>(n));
        BIO_free(bio);
    }
    out.verified = SSL_get_verify_result(ssl) == X509_V_OK;
    return out;
}

}  // namespace fieldgate::http
