// SPDX-License-Identifier: Apache-2.0
// httplib's request handling without httplib's accept loop and thread pool:
// the gate (ui_server_gate.h) decides when a connection holds a complete
// request, and this hands that request to httplib's parser, routing and
// response writer. httplib never reads from the socket itself, so no worker
// ever waits on a client for request bytes.
#pragma once

#include <httplib.h>

#include <chrono>
#include <string_view>

#include "ui/ui_server_gate.h"

namespace agentsight::server {

class gated_http_server : public httplib::Server {
  public:
    // The socket bind_to_port()/bind_to_any_port() made; the caller owns it
    // from now on. httplib keeps the number only as its "still running" mark.
    int listen_socket() const { return svr_sock_; }
    // Clears that mark: httplib then ends every streaming response.
    void mark_stopped() { svr_sock_ = INVALID_SOCKET; }

    // Answers the request whose header starts `c.received`. True when the
    // connection may carry another request.
    bool answer(gate_connection& c);

    // How long one blocked write may wait for the client to read.
    std::chrono::milliseconds write_timeout{10000};
    unsigned max_requests_per_connection = 100;
};

// True when the header announces a body (Content-Length or Transfer-Encoding).
// The UI takes none: such a request is answered without reading one, and its
// connection is then closed so the unread bytes are never parsed as a request.
bool declares_body(std::string_view header);

}  // namespace agentsight::server
