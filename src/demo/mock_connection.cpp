// SPDX-License-Identifier: Apache-2.0
#include "demo/mock_connection.h"

#include <optional>
#include <sstream>

#include "demo/gzip_codec.h"
#include "demo/http_wire.h"

namespace agentsight::demo {
namespace {

struct request_line {
    std::string method, target, version;
};

bool parse_request_line(const std::string& line, request_line& out) {
    std::istringstream in(line);
    std::string extra;
    if (!(in >> out.method >> out.target >> out.version) || (in >> extra)) return false;
    return out.target.front() == '/' && (out.version == "HTTP/1.1" || out.version == "HTTP/1.0");
}

bool wants_close(const request_line& rl, const header_list& headers) {
    auto conn = find_header(headers, "connection");
    if (rl.version == "HTTP/1.0") return !conn || !iequals(*conn, "keep-alive");
    return conn && iequals(*conn, "close");
}

// Framing is lost after a bad head or body, so the error is the connection's last reply.
void send_fatal(byte_stream& stream, int status, const char* message) {
    for (const auto& w : frame_reply(error_reply(status, message), false, false))
        if (!stream.write_all(w)) return;
}

// Inflates a gzip request body in place; the recorded request keeps the decoded text.
std::optional<std::string> decode_body(mock_request& req) {
    auto coding = find_header(req.headers, "content-encoding");
    if (!coding || iequals(*coding, "identity")) return std::nullopt;
    if (!iequals(*coding, "gzip")) return "unsupported content-encoding " + *coding;
    auto plain = gzip_decompress(req.body, max_body_bytes);
    if (!plain) return std::string("corrupt gzip request body");
    req.body = std::move(*plain);
    return std::nullopt;
}

std::string head_for(const mock_reply& reply, bool gzip, bool keep_alive, size_t length) {
    std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                       status_text(reply.status) + "\r\ncontent-type: " + reply.content_type +
                       "\r\n";
    for (const auto& [k, v] : reply.extra_headers) head += k + ": " + v + "\r\n";
    if (gzip) head += "content-encoding: gzip\r\n";
    if (reply.stream)
        head += "cache-control: no-cache\r\ntransfer-encoding: chunked\r\n";
    else
        head += "content-length: " + std::to_string(length) + "\r\n";
    head += keep_alive ? "connection: keep-alive\r\n\r\n" : "connection: close\r\n\r\n";
    return head;
}

}  // namespace

std::vector<std::string> frame_reply(const mock_reply& reply, bool gzip, bool keep_alive) {
    if (!reply.stream) {
        std::string body;
        for (const auto& p : reply.parts) body += p;
        if (gzip) body = gzip_compress(body);
        return {head_for(reply, gzip, keep_alive, body.size()) + body};
    }
    std::vector<std::string> writes;
    std::unique_ptr<gzip_encoder> enc = gzip ? std::make_unique<gzip_encoder>() : nullptr;
    for (size_t i = 0; i < reply.parts.size(); ++i) {
        bool last = i + 1 == reply.parts.size();
        std::string data = enc ? enc->push(reply.parts[i], last) : reply.parts[i];
        std::string w = encode_chunk(data);
        if (last) w += last_chunk;
        writes.push_back(std::move(w));
    }
    if (writes.empty()) writes.emplace_back(last_chunk);
    writes.front().insert(0, head_for(reply, gzip, keep_alive, 0));
    return writes;
}

void serve_connection(byte_stream& stream, mock_router& router, bool gzip_responses,
                      const request_recorder& record) {
    block_sigpipe_in_this_thread();
    if (!stream.accept()) return;
    buffered_reader in([&stream](char* buf, size_t len) { return stream.read_some(buf, len); });
    for (;;) {
        http_head head;
        read_status st = read_head(in, head);
        if (st == read_status::eof) return;
        request_line rl;
        if (st != read_status::ok || !parse_request_line(head.start_line, rl))
            return send_fatal(stream, 400, "malformed HTTP/1.1 request head");
        if (auto expect = find_header(head.headers, "expect");
            expect && iequals(*expect, "100-continue"))
            stream.write_all("HTTP/1.1 100 Continue\r\n\r\n");
        mock_request req{rl.method, rl.target, head.headers, {}};
        st = read_body(in, head.headers, req.body);
        if (st == read_status::too_large) return send_fatal(stream, 413, "body over 16 MiB");
        if (st != read_status::ok) return send_fatal(stream, 400, "malformed request body");
        bool keep_alive = !wants_close(rl, head.headers);
        auto problem = decode_body(req);
        mock_reply reply = problem ? error_reply(400, *problem) : router.route(req);
        bool head_only = req.method == "HEAD";  // headers only: a body would desync keep-alive
        if (head_only) reply = {reply.status, reply.content_type, {}, false, {}};
        record(std::move(req));
        bool gzip = gzip_responses && reply.status == 200 && !head_only;
        for (const auto& w : frame_reply(reply, gzip, keep_alive))
            if (!stream.write_all(w)) return;
        if (!keep_alive) return;
    }
}

}  // namespace agentsight::demo
