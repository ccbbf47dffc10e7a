// SPDX-License-Identifier: Apache-2.0
// RAII owners for OpenSSL objects and a blocking TLS byte stream over one socket. Both the mock
// server and the demo agent use the system libssl on purpose: that is what the uprobes watch.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <atomic>
#include <csignal>

#include <openssl/ssl.h>

namespace agentsight::demo {

struct ssl_ctx_deleter {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using ssl_ctx_ptr = std::unique_ptr<SSL_CTX, ssl_ctx_deleter>;

// Text of the most recent OpenSSL errors (drains the thread's error queue).
std::string openssl_error_text();

// Owns the socket and the SSL session on it.
class tls_stream {
  public:
    tls_stream(SSL* ssl, int fd) : ssl_(ssl), fd_(fd) {}
    ~tls_stream();
    tls_stream(const tls_stream&) = delete;
    tls_stream& operator=(const tls_stream&) = delete;

    // Server or client handshake; false on failure.
    bool accept();
    bool connect();

    // Returns 0 on EOF or error.
    size_t read_some(char* buf, size_t len);
    bool write_all(std::string_view data);

    // Wakes a thread blocked in read_some from another thread (used by stop()).
    void shutdown_socket();

    SSL* ssl() const { return ssl_; }

  private:
    SSL* ssl_;
    int fd_;
    std::atomic<bool> socket_shut_{false};  // then close_notify cannot be sent: skip it
};

// A peer that closes first would make our next write raise SIGPIPE and kill the process (the
// OpenSSL socket BIO writes without MSG_NOSIGNAL). Server threads block it for good; a client
// call holds a guard, which also swallows a SIGPIPE left pending before restoring the mask.
void block_sigpipe_in_this_thread();
class sigpipe_guard {
  public:
    sigpipe_guard();
    ~sigpipe_guard();
    sigpipe_guard(const sigpipe_guard&) = delete;
    sigpipe_guard& operator=(const sigpipe_guard&) = delete;

  private:
    sigset_t old_{};
};

// A connected client stream to host:port without certificate verification (the demo agent
// talks to the local mock and its self-signed certificate). Throws std::runtime_error.
std::unique_ptr<tls_stream> connect_tls(SSL_CTX* ctx, const std::string& host, uint16_t port);

}  // namespace agentsight::demo
