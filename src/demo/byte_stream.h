// SPDX-License-Identifier: Apache-2.0
// What one mock-server connection reads and writes: TLS (the default, what the uprobes see) or
// plain TCP (--plain-http: local models and proxies that speak http://, which only the
// plaintext syscall source sees).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "demo/tls_stream.h"

namespace agentsight::demo {

class byte_stream {
  public:
    virtual ~byte_stream() = default;
    virtual bool accept() = 0;                            // server handshake, if any
    virtual size_t read_some(char* buf, size_t len) = 0;  // 0 on EOF or error
    virtual bool write_all(std::string_view data) = 0;
    virtual void shutdown_socket() = 0;  // wakes a reader blocked in another thread
};

// Takes ownership of a TLS session on an accepted socket.
std::unique_ptr<byte_stream> make_tls_byte_stream(std::unique_ptr<tls_stream> tls);
// Takes ownership of an accepted plain TCP socket.
std::unique_ptr<byte_stream> make_plain_byte_stream(int fd);

}  // namespace agentsight::demo
