// SPDX-License-Identifier: Apache-2.0
#include "ui/ui_server.h"

#include <atomic>
#include <charconv>

#include "ui/access_guard.h"
#include "ui/api_handlers.h"
#include "ui/sse_format.h"
#include "ui/ui_server_gate.h"
#include "ui/ui_server_http.h"
#include "ui/web_assets.h"

namespace agentsight::server {
namespace {

using httplib::Request;
using httplib::Response;
using handler_response = httplib::Server::HandlerResponse;

constexpr size_t k_stream_batch = 2000;
// How often a waiting stream checks for stop(); bounds shutdown latency.
constexpr std::chrono::milliseconds k_stream_poll{200};

void set_security_headers(Response& res) {
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' "
                   "data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
                   "frame-ancestors 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cross-Origin-Opener-Policy", "same-origin");
    res.set_header("Cross-Origin-Resource-Policy", "same-origin");
    res.set_header("Cache-Control", "no-store");
}

std::string bearer_token(const Request& req) {
    std::string auth = req.get_header_value("Authorization");
    constexpr std::string_view k_prefix = "Bearer ";
    return auth.rfind(k_prefix, 0) == 0 ? auth.substr(k_prefix.size()) : std::string();
}

uint64_t parse_u64(const std::string& s, uint64_t fallback) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() ? v : fallback;
}

void send(Response& res, const api_reply& r) {
    res.status = r.status;
    res.set_content(r.body, "application/json");
}

}  // namespace

struct ui_server::impl {
    ui_options opts;
    std::shared_ptr<event_store> store;
    std::unique_ptr<access_guard> guard;
    gated_http_server http;
    std::unique_ptr<connection_gate> gate;
    std::atomic<bool> stopping{false};
    bool started = false;
    uint16_t port = 0;

    handler_response check_access(const Request& req, Response& res);
    void add_routes();
    void stream(const Request& req, Response& res);
};

handler_response ui_server::impl::check_access(const Request& req, Response& res) {
    set_security_headers(res);
    // The Debian httplib build answers "br" with Brotli at quality 11: seconds
    // for a large /api/timeline. Over loopback compression buys nothing, so
    // it is off. The Request is a mutable local of httplib's connection loop;
    // only the const view is handed to this hook.
    const_cast<Request&>(req).headers.erase("Accept-Encoding");
    // Host first: a request that reached us under a foreign name (DNS
    // rebinding) gets 403 and no token handling at all, so no cookie is ever
    // set for an attacker's origin.
    if (!guard->host_allowed(req.get_header_value("Host"))) {
        res.status = 403;
        res.set_content("agentsight: unexpected Host header (DNS rebinding protection)\n",
                        "text/plain");
        return handler_response::Handled;
    }
    const std::string query_token = req.get_param_value("token");
    std::string presented = query_token;
    if (presented.empty()) presented = bearer_token(req);
    if (presented.empty())
        presented = guard->cookie_token(req.get_header_value("Cookie")).value_or("");
    if (!guard->token_matches(presented)) {
        res.status = 401;
        res.set_content(
            "agentsight: missing or wrong access token. Open the URL that `agentsight serve` "
            "printed (it ends in ?token=...).\n",
            "text/plain");
        return handler_response::Handled;
    }
    // The page was opened from the printed URL: remember the token in a
    // cookie and drop it from the address bar (history, screenshots).
    if (!query_token.empty() && (req.path == "/" || req.path == "/index.html")) {
        res.set_header("Set-Cookie", guard->set_cookie_value());
        res.set_redirect("/", 303);
        return handler_response::Handled;
    }
    return handler_response::Unhandled;
}

void ui_server::impl::stream(const Request& req, Response& res) {
    uint64_t after = store->last_seq();
    if (req.has_param("after")) after = parse_u64(req.get_param_value("after"), after);
    // EventSource resends the last id it saw when it reconnects.
    if (req.has_header("Last-Event-ID"))
        after = parse_u64(req.get_header_value("Last-Event-ID"), after);
    res.set_header("X-Accel-Buffering", "no");
    auto seen = std::make_shared<uint64_t>(after);
    auto hello = std::make_shared<bool>(true);
    res.set_chunked_content_provider("text/event-stream", [this, seen, hello](
                                                              size_t, httplib::DataSink& sink) {
        if (*hello) {
            *hello = false;
            std::string m = "retry: 2000\n" +
                            sse_message("hello", "{\"seq\":" + std::to_string(*seen) + "}", *seen);
            return sink.write(m.data(), m.size());
        }
        const auto deadline = std::chrono::steady_clock::now() + opts.heartbeat;
        while (!stopping.load()) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                std::string hb = sse_heartbeat();
                return sink.write(hb.data(), hb.size());
            }
            if (store->wait_for_events(*seen, std::min(left, k_stream_poll)) <= *seen) continue;
            auto batch = store->events_after(*seen, k_stream_batch);
            *seen += batch.size();
            std::string m = sse_message("events", json_array(batch), *seen);
            return sink.write(m.data(), m.size());
        }
        return false;  // stop(): end the response so the worker can exit
    });
}

void ui_server::impl::add_routes() {
    http.set_pre_routing_handler(
        [this](const Request& req, Response& res) { return check_access(req, res); });
    http.Get("/api/sessions",
             [this](const Request&, Response& res) { send(res, api_sessions(*store)); });
    http.Get("/api/events", [this](const Request& req, Response& res) {
        send(res, api_events(*store, req.params));
    });
    http.Get(R"(/api/events/(\d{1,19}))", [this](const Request& req, Response& res) {
        send(res, api_event(*store, parse_u64(req.matches[1], 0)));
    });
    http.Get("/api/llm_calls", [this](const Request& req, Response& res) {
        send(res, api_llm_calls(*store, req.params));
    });
    http.Get("/api/process_tree",
             [this](const Request&, Response& res) { send(res, api_process_tree(*store)); });
    http.Get("/api/timeline", [this](const Request& req, Response& res) {
        send(res, api_timeline(*store, req.params));
    });
    http.Get("/api/stats", [this](const Request&, Response& res) { send(res, api_stats(*store)); });
    http.Get("/api/stream", [this](const Request& req, Response& res) { stream(req, res); });
    // Everything else is an embedded asset or nothing: the decoded path is
    // looked up in a table, so "..", "%2e%2e" and friends simply miss.
    http.Get(R"(/.*)", [](const Request& req, Response& res) {
        const web_asset* a = find_web_asset(req.path);
        if (!a) {
            res.status = 404;
            res.set_content("not found\n", "text/plain");
            return;
        }
        res.set_content(a->body.data(), a->body.size(), std::string(a->content_type).c_str());
    });
}

ui_server::ui_server(ui_options options, std::shared_ptr<event_store> store)
    : impl_(std::make_unique<impl>()) {
    impl_->opts = std::move(options);
    impl_->store = std::move(store);
}

ui_server::~ui_server() {
    stop();
}

status ui_server::start() {
    impl& s = *impl_;
    if (s.started) return error{"UI server already started"};
    if (s.opts.token.empty()) {
        auto t = make_access_token();
        if (!t) return error{t.message()};
        s.opts.token = *t;
    } else if (auto ok = check_token_format(s.opts.token); !ok) {
        return ok;
    }
    // httplib's default also sets SO_REUSEPORT, which would let a second
    // server of the same user share our port and take half the requests.
    s.http.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    s.http.set_payload_max_length(64 * 1024);  // the API takes no bodies
    // Headers and body go out as separate writes; with Nagle the body waits
    // for a delayed ACK (~40 ms per asset on loopback).
    s.http.set_tcp_nodelay(true);
    // What the Keep-Alive response header announces; the gate enforces both.
    const gate_limits limits;
    s.http.set_keep_alive_timeout(
        std::chrono::duration_cast<std::chrono::seconds>(limits.keep_alive_timeout).count());
    s.http.set_keep_alive_max_count(s.http.max_requests_per_connection);

    int port = s.opts.port;
    if (s.opts.port == 0) {
        port = s.http.bind_to_any_port(s.opts.bind);
    } else if (!s.http.bind_to_port(s.opts.bind, s.opts.port)) {
        port = -1;
    }
    if (port <= 0)
        return error{"UI server: cannot listen on " + s.opts.bind + ":" +
                     std::to_string(s.opts.port) +
                     " (is the port in use? --port 0 picks a free one)"};
    s.port = static_cast<uint16_t>(port);
    s.guard = std::make_unique<access_guard>(s.opts.bind, s.port, s.opts.token);
    s.add_routes();
    // httplib parses and answers; the gate accepts and waits for requests, so
    // idle and trickling connections hold no worker (ui_server_gate.h). Every
    // open /api/stream holds one of its workers.
    s.gate = std::make_unique<connection_gate>(
        s.http.listen_socket(), limits, [&s](gate_connection& c) { return s.http.answer(c); });
    if (auto st = s.gate->start(); !st) {
        s.http.mark_stopped();
        return st;
    }
    s.started = true;
    return ok_status();
}

void ui_server::stop() {
    impl& s = *impl_;
    if (!s.started || s.stopping.exchange(true)) return;
    s.store->wake_all();
    s.http.mark_stopped();
    s.gate->stop();
}

uint16_t ui_server::port() const {
    return impl_->port;
}

const std::string& ui_server::token() const {
    return impl_->opts.token;
}

std::string ui_server::url() const {
    const std::string& b = impl_->opts.bind;
    std::string host = "127.0.0.1";
    if (b == "::1" || b == "::") {
        host = "[::1]";
    } else if (!is_loopback_address(b) && b != "0.0.0.0" && !b.empty()) {
        host = b.find(':') != std::string::npos ? "[" + b + "]" : b;
    }
    return "http://" + host + ":" + std::to_string(impl_->port) + "/?token=" + impl_->opts.token;
}

}  // namespace agentsight::server
