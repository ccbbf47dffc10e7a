// SPDX-License-Identifier: Apache-2.0
#include "demo/tls_stream.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include <openssl/err.h>

namespace agentsight::demo {

std::string openssl_error_text() {
    std::string text;
    while (unsigned long code = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        if (!text.empty()) text += "; ";
        text += buf;
    }
    return text.empty() ? "unknown TLS error" : text;
}

tls_stream::~tls_stream() {
    if (ssl_ != nullptr) {
        if (!socket_shut_) SSL_shutdown(ssl_);  // best effort close_notify
        SSL_free(ssl_);
    }
    if (fd_ >= 0) ::close(fd_);
}

bool tls_stream::accept() {
    return SSL_accept(ssl_) == 1;
}

bool tls_stream::connect() {
    return SSL_connect(ssl_) == 1;
}

size_t tls_stream::read_some(char* buf, size_t len) {
    size_t got = 0;
    if (SSL_read_ex(ssl_, buf, len, &got) != 1) return 0;
    return got;
}

bool tls_stream::write_all(std::string_view data) {
    while (!data.empty()) {
        size_t put = 0;
        if (SSL_write_ex(ssl_, data.data(), data.size(), &put) != 1) return false;
        data.remove_prefix(put);
    }
    return true;
}

void tls_stream::shutdown_socket() {
    socket_shut_ = true;
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void block_sigpipe_in_this_thread() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

sigpipe_guard::sigpipe_guard() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
}

sigpipe_guard::~sigpipe_guard() {
    if (sigismember(&old_, SIGPIPE)) return;  // it was blocked before us: leave it so
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    timespec zero{};
    while (sigtimedwait(&set, nullptr, &zero) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

static int connect_socket(const std::string& host, uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    std::string service = std::to_string(port);
    if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
        throw std::runtime_error("resolve " + host + ": " + gai_strerror(rc));
    int fd = -1;
    for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
        fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd >= 0 && ::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            ::close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(found);
    if (fd < 0) throw std::runtime_error("connect to " + host + ":" + service + " failed");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

std::unique_ptr<tls_stream> connect_tls(SSL_CTX* ctx, const std::string& host, uint16_t port) {
    int fd = connect_socket(host, port);
    SSL* ssl = SSL_new(ctx);
    if (ssl == nullptr) {
        ::close(fd);
        throw std::runtime_error("SSL_new: " + openssl_error_text());
    }
    auto stream = std::make_unique<tls_stream>(ssl, fd);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, host.c_str());
    if (!stream->connect())
        throw std::runtime_error("TLS handshake with " + host + " failed: " + openssl_error_text());
    return stream;
}

}  // namespace agentsight::demo
