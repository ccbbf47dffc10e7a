// SPDX-License-Identifier: Apache-2.0
// A minimal HTTPS/1.1 client that keeps one connection alive across requests, as agents' SDKs
// do. Certificate verification is off: it only talks to the local mock.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "demo/http_wire.h"
#include "demo/tls_stream.h"

namespace agentsight::demo {

struct http_response {
    int status = 0;
    header_list headers;
    std::string body;  // decoded when the server sent content-encoding: gzip
};

// "https://host:port[/prefix]" split up; nullopt for anything else.
struct https_url {
    std::string host;
    uint16_t port = 443;
    std::string prefix;  // path prefix without a trailing '/'
};
std::optional<https_url> parse_https_url(const std::string& url);

class https_client {
  public:
    explicit https_client(https_url url);
    ~https_client();
    https_client(const https_client&) = delete;
    https_client& operator=(const https_client&) = delete;

    // POSTs to prefix+path, reconnecting when the server closed the previous connection.
    // Throws std::runtime_error on connection or framing failure.
    http_response post(const std::string& path, const header_list& headers,
                       const std::string& body);

  private:
    http_response exchange(const std::string& request);

    https_url url_;
    ssl_ctx_ptr ctx_;
    std::unique_ptr<tls_stream> stream_;
    std::unique_ptr<buffered_reader> reader_;
};

}  // namespace agentsight::demo
