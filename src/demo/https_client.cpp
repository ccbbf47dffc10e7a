// SPDX-License-Identifier: Apache-2.0
#include "demo/https_client.h"

#include <charconv>
#include <stdexcept>

#include "demo/gzip_codec.h"

namespace agentsight::demo {

std::optional<https_url> parse_https_url(const std::string& url) {
    constexpr std::string_view scheme = "https://";
    if (url.compare(0, scheme.size(), scheme) != 0) return std::nullopt;
    std::string_view rest = std::string_view(url).substr(scheme.size());
    std::string_view authority = rest.substr(0, rest.find('/'));
    https_url out;
    out.prefix = std::string(rest.substr(authority.size()));
    while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
    size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
        std::string_view digits = authority.substr(colon + 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.port);
        if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    }
    if (out.host.empty()) return std::nullopt;
    return out;
}

https_client::https_client(https_url url) : url_(std::move(url)) {
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx_) throw std::runtime_error("SSL_CTX_new: " + openssl_error_text());
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_NONE, nullptr);
    static const unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_CTX_set_alpn_protos(ctx_.get(), http11, sizeof http11);
}

https_client::~https_client() = default;

http_response https_client::post(const std::string& path, const header_list& headers,
                                 const std::string& body) {
    std::string request = "POST " + url_.prefix + path + " HTTP/1.1\r\nhost: " + url_.host + ":" +
                          std::to_string(url_.port) + "\r\n";
    for (const auto& [k, v] : headers) request += k + ": " + v + "\r\n";
    request += "content-length: " + std::to_string(body.size()) +
               "\r\nconnection: keep-alive\r\n\r\n" + body;
    return exchange(request);
}

http_response https_client::exchange(const std::string& request) {
    if (!stream_) {
        stream_ = connect_tls(ctx_.get(), url_.host, url_.port);
        reader_ = std::make_unique<buffered_reader>(
            [s = stream_.get()](char* buf, size_t len) { return s->read_some(buf, len); });
    }
    if (!stream_->write_all(request)) throw std::runtime_error("sending the request failed");
    http_head head;
    if (read_head(*reader_, head) != read_status::ok)
        throw std::runtime_error("the server sent no valid HTTP response head");
    http_response res;
    // "HTTP/1.1 200 OK": the status is the second word.
    size_t sp = head.start_line.find(' ');
    if (sp != std::string::npos)
        std::from_chars(head.start_line.data() + sp + 1,
                        head.start_line.data() + head.start_line.size(), res.status);
    res.headers = std::move(head.headers);
    if (read_body(*reader_, res.headers, res.body) != read_status::ok)
        throw std::runtime_error("the server sent a malformed response body");
    if (auto coding = find_header(res.headers, "content-encoding");
        coding && iequals(*coding, "gzip")) {
        auto plain = gzip_decompress(res.body, max_body_bytes);
        if (!plain) throw std::runtime_error("the server sent a corrupt gzip body");
        res.body = std::move(*plain);
    }
    if (auto conn = find_header(res.headers, "connection"); conn && iequals(*conn, "close")) {
        reader_.reset();
        stream_.reset();
    }
    return res;
}

}  // namespace agentsight::demo
