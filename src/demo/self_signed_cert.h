// SPDX-License-Identifier: Apache-2.0
// A fresh in-memory server identity for the mock: no files on disk, nothing to clean up.
#pragma once

#include <string>

#include "demo/tls_stream.h"

namespace agentsight::demo {

struct server_tls {
    ssl_ctx_ptr ctx;
    std::string certificate_pem;  // so a client can trust it instead of disabling verification
};

// EC P-256 key and a self-signed certificate for CN=127.0.0.1, SAN IP:127.0.0.1, valid from an
// hour ago for 30 days. The context offers only http/1.1 through ALPN. Throws
// std::runtime_error.
server_tls make_server_tls();

}  // namespace agentsight::demo
