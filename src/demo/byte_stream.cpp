// SPDX-License-Identifier: Apache-2.0
#include "demo/byte_stream.h"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace agentsight::demo {
namespace {

class tls_byte_stream final : public byte_stream {
  public:
    explicit tls_byte_stream(std::unique_ptr<tls_stream> tls) : tls_(std::move(tls)) {}
    bool accept() override { return tls_->accept(); }
    size_t read_some(char* buf, size_t len) override { return tls_->read_some(buf, len); }
    bool write_all(std::string_view data) override { return tls_->write_all(data); }
    void shutdown_socket() override { tls_->shutdown_socket(); }

  private:
    std::unique_ptr<tls_stream> tls_;
};

class plain_byte_stream final : public byte_stream {
  public:
    explicit plain_byte_stream(int fd) : fd_(fd) {}
    ~plain_byte_stream() override { ::close(fd_); }
    bool accept() override { return true; }
    size_t read_some(char* buf, size_t len) override {
        for (;;) {
            ssize_t n = ::recv(fd_, buf, len, 0);
            if (n >= 0) return size_t(n);
            if (errno != EINTR) return 0;
        }
    }
    bool write_all(std::string_view data) override {
        while (!data.empty()) {
            ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            data.remove_prefix(size_t(n));
        }
        return true;
    }
    void shutdown_socket() override { ::shutdown(fd_, SHUT_RDWR); }

  private:
    int fd_;
};

}  // namespace

std::unique_ptr<byte_stream> make_tls_byte_stream(std::unique_ptr<tls_stream> tls) {
    return std::make_unique<tls_byte_stream>(std::move(tls));
}

std::unique_ptr<byte_stream> make_plain_byte_stream(int fd) {
    return std::make_unique<plain_byte_stream>(fd);
}

}  // namespace agentsight::demo
