// SPDX-License-Identifier: Apache-2.0
// The web UI: an HTTP server on loopback serving the embedded single-page app,
// the REST API (api_handlers.h) and a live Server-Sent Events stream.
// Security model (docs/ui.md): loopback by default, a random token on every
// request, Host checked against DNS rebinding, no CORS, assets only from the
// compiled-in table.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "ui/access_guard.h"  // non_loopback_warning(): print it when --bind is not loopback
#include "ui/event_store.h"
#include "util/result.h"

namespace agentsight::server {

struct ui_options {
    std::string bind = "127.0.0.1";
    uint16_t port = 7395;  // 0: the kernel picks a free port
    std::string token;     // random 128-bit when empty
    // How often an idle /api/stream sends a comment line, so proxies keep it
    // open and a vanished browser is noticed.
    std::chrono::milliseconds heartbeat{15000};
};

class ui_server {
  public:
    ui_server(ui_options options, std::shared_ptr<event_store> store);
    ~ui_server();
    ui_server(const ui_server&) = delete;
    ui_server& operator=(const ui_server&) = delete;

    // Binds and serves on a background thread. Fails if the address cannot
    // be bound or the token is unusable.
    status start();
    // Closes the listener and every open stream, then joins. Idempotent.
    void stop();

    uint16_t port() const;
    const std::string& token() const;
    // http://127.0.0.1:PORT/?token=... (the bind address when it is a
    // specific non-loopback one). Opening it sets the session cookie.
    std::string url() const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace agentsight::server
