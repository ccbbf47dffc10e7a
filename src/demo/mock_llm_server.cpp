// SPDX-License-Identifier: Apache-2.0
#include "demo/mock_llm_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "demo/byte_stream.h"
#include "demo/mock_connection.h"
#include "demo/mock_router.h"
#include "demo/self_signed_cert.h"
#include "demo/tls_stream.h"

namespace agentsight::demo {

struct mock_llm_server::impl {
    struct connection {
        std::unique_ptr<byte_stream> stream;  // guarded by conn_mu; reset when the client is done
        std::thread thread;
        std::atomic<bool> done{false};
    };

    explicit impl(mock_llm_options opts) : router(std::move(opts)), tls(make_server_tls()) {}

    void accept_loop();
    void reap_finished();  // call with conn_mu held

    mock_router router;
    server_tls tls;
    int listen_fd = -1;
    uint16_t bound_port = 0;
    std::atomic<bool> stopping{false};
    std::thread acceptor;
    std::mutex conn_mu;
    std::list<connection> connections;
    mutable std::mutex req_mu;
    std::vector<mock_request> received;
};

void mock_llm_server::impl::reap_finished() {
    for (auto it = connections.begin(); it != connections.end();) {
        if (!it->done) {
            ++it;
            continue;
        }
        it->thread.join();
        it = connections.erase(it);
    }
}

void mock_llm_server::impl::accept_loop() {
    block_sigpipe_in_this_thread();
    while (!stopping) {
        int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));  // let fds free up
                continue;
            }
            return;  // shut down by stop(), or the socket failed for good
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::unique_ptr<byte_stream> stream;
        if (router.options().plain_http) {
            stream = make_plain_byte_stream(fd);
        } else {
            SSL* ssl = SSL_new(tls.ctx.get());
            if (ssl == nullptr) {
                ::close(fd);
                continue;
            }
            SSL_set_fd(ssl, fd);
            stream = make_tls_byte_stream(std::make_unique<tls_stream>(ssl, fd));
        }
        std::lock_guard lock(conn_mu);
        reap_finished();
        if (stopping) return;
        connection& c = connections.emplace_back();
        c.stream = std::move(stream);
        c.thread = std::thread([this, &c] {
            serve_connection(*c.stream, router, router.options().content_encoding == "gzip",
                             [this](mock_request r) {
                                 std::lock_guard lock(req_mu);
                                 received.push_back(std::move(r));
                             });
            // Close now, not when reaped: a client reading to EOF must see the close.
            std::lock_guard lock(conn_mu);
            c.stream.reset();
            c.done = true;
        });
    }
}

mock_llm_server::mock_llm_server(mock_llm_options opts)
    : impl_(std::make_unique<impl>(std::move(opts))) {}

mock_llm_server::~mock_llm_server() {
    stop();
}

void mock_llm_server::start() {
    if (impl_->listen_fd >= 0) return;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error(std::string("mock LLM server: socket: ") + std::strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(impl_->router.options().port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd, 128) != 0) {
        int err = errno;
        ::close(fd);
        throw std::runtime_error(
            "mock LLM server: bind 127.0.0.1:" + std::to_string(impl_->router.options().port) +
            ": " + std::strerror(err) +
            (err == EADDRINUSE ? " (pick another port, or 0 for any)" : ""));
    }
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    impl_->bound_port = ntohs(addr.sin_port);
    impl_->listen_fd = fd;
    impl_->stopping = false;
    impl_->acceptor = std::thread([this] { impl_->accept_loop(); });
}

uint16_t mock_llm_server::port() const {
    return impl_->bound_port;
}

std::string mock_llm_server::base_url() const {
    const char* scheme = impl_->router.options().plain_http ? "http" : "https";
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port());
}

std::string mock_llm_server::certificate_pem() const {
    return impl_->tls.certificate_pem;
}

std::vector<mock_request> mock_llm_server::requests() const {
    std::lock_guard lock(impl_->req_mu);
    return impl_->received;
}

size_t mock_llm_server::llm_requests() const {
    return impl_->router.llm_requests();
}

size_t mock_llm_server::script_steps_consumed() const {
    return impl_->router.script_steps_consumed();
}

void mock_llm_server::stop() {
    if (impl_->listen_fd < 0) return;
    sigpipe_guard no_sigpipe;  // closing streams here must not signal the caller's thread
    impl_->stopping = true;
    ::shutdown(impl_->listen_fd, SHUT_RDWR);  // wakes the blocked accept()
    if (impl_->acceptor.joinable()) impl_->acceptor.join();
    ::close(impl_->listen_fd);
    impl_->listen_fd = -1;
    std::list<impl::connection> open;
    {
        std::lock_guard lock(impl_->conn_mu);
        for (auto& c : impl_->connections)  // wakes reads blocked on idle keep-alive
            if (c.stream) c.stream->shutdown_socket();
        open.swap(impl_->connections);
    }
    for (auto& c : open) c.thread.join();
}

}  // namespace agentsight::demo
