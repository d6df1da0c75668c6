// A blocking HTTPS/1.1 client on OpenSSL for the tests of the gateway's TLS listener: chosen TLS
// versions, an optional client certificate, the server certificate's fingerprint, keep-alive.
// Independent of the gateway's own HTTP client. Link OpenSSL::SSL.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace fieldgate::test {

struct TlsClientOptions {
    std::string ca_file;  // verify the server against it (host "localhost"); empty: no check
    std::string cert_file, key_file;  // client certificate, optional
    int min_version = TLS1_2_VERSION;
    int max_version = 0;  // 0: the highest OpenSSL knows
};

struct TlsResponse {
    int status = 0;  // 0: no HTTP answer
    std::string head;
    std::string body;
};

class TlsTestClient {
  public:
    TlsTestClient(std::uint16_t port, const TlsClientOptions& options) {
        ctx_.reset(SSL_CTX_new(TLS_client_method()));
        SSL_CTX* c = ctx_.get();
        if (options.min_version < TLS1_2_VERSION) SSL_CTX_set_security_level(c, 0);
        SSL_CTX_set_min_proto_version(c, options.min_version);
        if (options.max_version) SSL_CTX_set_max_proto_version(c, options.max_version);
        if (options.min_version < TLS1_2_VERSION) SSL_CTX_set_cipher_list(c, "DEFAULT@SECLEVEL=0");
        if (!options.ca_file.empty()) {
            SSL_CTX_load_verify_locations(c, options.ca_file.c_str(), nullptr);
            SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
        }
        if (!options.cert_file.empty()) {
            SSL_CTX_use_certificate_file(c, options.cert_file.c_str(), SSL_FILETYPE_PEM);
            SSL_CTX_use_PrivateKey_file(c, options.key_file.c_str(), SSL_FILETYPE_PEM);
        }
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const timeval timeout{20, 0};  // a hung server fails the test instead of hanging it
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
        ssl_.reset(SSL_new(c));
        SSL_set_fd(ssl_.get(), fd_);
        SSL_set_tlsext_host_name(ssl_.get(), "localhost");
        if (!options.ca_file.empty()) SSL_set1_host(ssl_.get(), "localhost");
        if (SSL_connect(ssl_.get()) == 1) {
            connected_ = true;
        } else {
            char text[256];
            ERR_error_string_n(ERR_get_error(), text, sizeof text);
            error_ = text;
        }
        ERR_clear_error();
    }
    ~TlsTestClient() {
        ssl_.reset();
        if (fd_ >= 0) ::close(fd_);
    }
    TlsTestClient(const TlsTestClient&) = delete;
    TlsTestClient& operator=(const TlsTestClient&) = delete;

    bool connected() const { return connected_; }
    const std::string& error() const { return error_; }
    int version() const { return connected_ ? SSL_version(ssl_.get()) : 0; }

    // SHA-256 of the server certificate's DER, lower-case hex.
    std::string peer_sha256() const {
        if (!connected_) return {};
        X509* cert = SSL_get1_peer_certificate(ssl_.get());
        if (!cert) return {};
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        X509_digest(cert, EVP_sha256(), digest, &n);
        X509_free(cert);
        static constexpr char kHex[] = "0123456789abcdef";
        std::string out;
        for (unsigned int i = 0; i < n; ++i) {
            out += kHex[digest[i] >> 4];
            out += kHex[digest[i] & 0xF];
        }
        return out;
    }

    // One request on this connection (keep-alive); status 0 when the connection failed.
    TlsResponse request(const std::string& method, const std::string& target,
                        const std::string& headers = {}, const std::string& body = {}) {
        TlsResponse r;
        if (!connected_) return r;
        const std::string wire = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" +
                                 headers + "Content-Length: " + std::to_string(body.size()) +
                                 "\r\n\r\n" + body;
        if (SSL_write(ssl_.get(), wire.data(), static_cast<int>(wire.size())) <= 0) return r;
        std::size_t end = std::string::npos;
        while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
            if (!read_more()) return r;
        r.head = buffer_.substr(0, end + 2);
        std::size_t length = 0;
        if (const auto p = lower(r.head).find("\r\ncontent-length:"); p != std::string::npos)
            length = std::stoul(r.head.substr(p + 17));
        while (buffer_.size() < end + 4 + length)
            if (!read_more()) return r;
        r.body = buffer_.substr(end + 4, length);
        buffer_.erase(0, end + 4 + length);
        if (r.head.rfind("HTTP/1.", 0) == 0) r.status = std::stoi(r.head.substr(9, 3));
        return r;
    }

  private:
    struct SslCtxFree {
        void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
    };
    struct SslFree {
        void operator()(SSL* s) const { SSL_free(s); }
    };

    static std::string lower(std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }

    bool read_more() {
        char chunk[16384];
        const int n = SSL_read(ssl_.get(), chunk, sizeof chunk);
        if (n <= 0) return false;
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    std::unique_ptr<SSL_CTX, SslCtxFree> ctx_;
    std::unique_ptr<SSL, SslFree> ssl_;
    int fd_ = -1;
    bool connected_ = false;
    std::string error_;
    std::string buffer_;
};

}  // namespace fieldgate::test
