// SPDX-License-Identifier: Apache-2.0
// The OTLP sink's transport: plain-http POSTs through cpp-httplib, with hard
// timeouts so a dead endpoint costs bounded time. One request per connection;
// no TLS (docs/otlp.md: a local Collector forwards with TLS), no redirects.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace agentsight {

struct http_url {
    std::string host;
    uint16_t port = 80;
    std::string path;  // without a trailing '/'; "" for the root
};

// "http://host[:port][/path]"; https and anything else is an error saying so.
result<http_url> parse_http_url(const std::string& url);

using http_headers = std::vector<std::pair<std::string, std::string>>;

struct http_response {
    int status = 0;
    std::string body;
    int retry_after_s = -1;  // from a Retry-After header in seconds, if any
};

// Connection failures and timeouts are errors ("connect 127.0.0.1:4318: Connection
// refused"); any HTTP status is a response. `timeout` bounds each of connecting,
// sending and each wait for response bytes.
result<http_response> http_post(const http_url& url, const std::string& path,
                                std::string_view content_type, std::string_view body,
                                const http_headers& headers, std::chrono::milliseconds timeout);

}  // namespace agentsight
