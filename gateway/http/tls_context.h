// Private to gateway/http: the listener's TLS contexts (one per load of the certificate files;
// reload_tls() swaps in a fresh one for new connections while open connections keep theirs)
// and the client certificate a finished handshake carries.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "server.h"
#include "types.h"

namespace fieldgate::http {

class TlsContexts {
  public:
    // Loads the files; throws std::runtime_error naming the file that failed.
    explicit TlsContexts(ServerTls files);

    // The context new connections use; the caller keeps it alive for the connection.
    std::shared_ptr<boost::asio::ssl::context> current() const;
    // Reads the files again into a new context; on error the old one stays and the reason is
    // returned.
    std::optional<std::string> reload();
    std::chrono::system_clock::time_point not_after() const;

  private:
    const ServerTls files_;
    mutable std::mutex mutex_;
    std::shared_ptr<boost::asio::ssl::context> current_;
    std::chrono::system_clock::time_point not_after_;
};

// The certificate the client presented, if any, after a completed handshake.
std::optional<PeerCertificate> peer_certificate(SSL* ssl);

}  // namespace fieldgate::http
