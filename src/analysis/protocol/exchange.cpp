// SPDX-License-Identifier: Apache-2.0
#include "analysis/protocol/exchange.h"

#include "analysis/llm/json_util.h"

namespace agentsight::analyzers {
namespace {

constexpr size_t k_max_error_body = 64 * 1024;

double ms_between(uint64_t from, uint64_t to) {
    return to > from ? static_cast<double>(to - from) / 1e6 : 0.0;
}

bool is_event_stream(std::string_view content_type) {
    return content_type.substr(0, 17) == "text/event-stream";
}

bool is_ndjson(std::string_view content_type) {
    return content_type.substr(0, 20) == "application/x-ndjson";
}

}  // namespace

exchange::exchange(conn_meta meta, uint64_t start_ts)
    : meta_(std::move(meta)), start_ts_(start_ts), last_ts_(start_ts) {}

void exchange::request_head(http_head& head, uint64_t ts) {
    last_ts_ = ts;
    method_ = head.method;
    target_ = head.target;
    host_ = head.host;
    if (method_ == "POST") provider_ = llm::find_provider(path_only(target_), host_);
    if (provider_)
        request_decoder_ = content_decoder(parse_content_coding(head.get("content-encoding")));
}

void exchange::request_body(std::string_view wire, uint64_t ts) {
    last_ts_ = ts;
    request_bytes_ += wire.size();
    if (!provider_ || gap_) return;
    if (!request_decoder_.feed(wire, request_body_, k_max_body, body_truncated_))
        decode_error_ = true;
}

void exchange::request_end(uint64_t ts) {
    last_ts_ = ts;
    request_end_ts_ = ts;
    request_done_ = true;
    parse_request_body();
}

void exchange::parse_request_body() {
    if (!provider_ || request_parsed_) return;
    request_parsed_ = true;
    json body = llm::parse_json(request_body_);
    if (body.is_object())
        provider_->parse_request(body, path_only(target_), request_);
    else
        provider_->parse_request(json::object(), path_only(target_), request_);
    request_body_.clear();
    request_body_.shrink_to_fit();
}

void exchange::response_head(http_head& head, uint64_t ts) {
    last_ts_ = ts;
    response_started_ = true;
    response_start_ts_ = ts;
    status_ = head.status;
    content_type_ = head.get("content-type");
    if (!provider_) return;
    response_decoder_ = content_decoder(parse_content_coding(head.get("content-encoding")));
    is_ndjson_ = is_ndjson(content_type_);
    is_sse_ = is_event_stream(content_type_) || is_ndjson_;
    parser_ = provider_->make_response_parser();
}

void exchange::response_body(std::string_view wire, uint64_t ts) {
    last_ts_ = current_ts_ = ts;
    response_bytes_ += wire.size();
    if (!provider_ || gap_ || decode_error_) return;
    if (!is_sse_) {
        // Errors are kept small: an error page is not worth 64 MiB.
        size_t cap = status_ >= 400 ? k_max_error_body : k_max_body;
        if (!response_decoder_.feed(wire, response_body_, cap, body_truncated_))
            decode_error_ = true;
        return;
    }
    decoded_.clear();
    size_t cap = sse_decoded_total_ < k_max_body ? k_max_body - sse_decoded_total_ : 0;
    if (!response_decoder_.feed(wire, decoded_, cap, body_truncated_)) decode_error_ = true;
    sse_decoded_total_ += decoded_.size();
    feed_sse(decoded_);
}

void exchange::on_stream_event(std::string_view event, std::string_view data) {
    if (parser_->on_sse(event, data, response_) && first_content_ts_ == 0)
        first_content_ts_ = current_ts_;
}

void exchange::feed_sse(std::string_view decoded) {
    if (is_ndjson_)
        ndjson_.feed(decoded, [this](std::string_view line) { on_stream_event({}, line); });
    else
        sse_.feed(decoded,
                  [this](std::string_view e, std::string_view d) { on_stream_event(e, d); });
}

void exchange::response_end(uint64_t ts) {
    last_ts_ = current_ts_ = ts;
    response_end_ts_ = ts;
    response_done_ = true;
}

void exchange::gap() {
    gap_ = true;
}

derived_event exchange::finish(bool incomplete) {
    incomplete = incomplete || aborted_ || gap_ || !request_done_ || !response_done_;
    return provider_ ? llm_event(incomplete) : http_event(incomplete);
}

derived_event exchange::llm_event(bool incomplete) {
    parse_request_body();
    if (parser_ && is_sse_) {
        if (is_ndjson_)
            ndjson_.finish([this](std::string_view line) { on_stream_event({}, line); });
        else
            sse_.finish([this](std::string_view e, std::string_view d) { on_stream_event(e, d); });
        if (provider_->stream_needs_end_marker() && !response_.ended) incomplete = true;
    } else if (parser_ && !response_body_.empty()) {
        json body = llm::parse_json(response_body_);
        if (!body.is_discarded()) parser_->on_body(body, response_);
    }
    // An HTTP error's body is the error as the provider worded it; a 200 can still carry
    // one inside the stream (Anthropic `event: error`, Responses `response.failed`).
    std::string error = status_ >= 400 ? response_body_ : response_.error;

    events::llm_call c;
    for (auto& t : response_.tool_calls) {
        json input = t.input.is_null() ? llm::parse_arguments(t.arguments) : t.input;
        c.response.tool_calls.push_back({t.id, t.name, std::move(input)});
    }
    uint64_t end = response_end_ts_ ? response_end_ts_ : last_ts_;
    c.ts_ns = start_ts_;
    c.pid = meta_.pid;
    c.tid = meta_.tid;
    c.comm = meta_.comm;
    c.conn = meta_.conn;
    c.provider = provider_->name();
    c.api = provider_->api();
    c.host = host_;
    c.method = method_;
    c.path = target_;
    c.model = request_.model;
    c.response_model = response_.model;
    c.response_id = response_.id;
    c.stream = request_.stream || is_sse_;
    c.status = status_;
    c.request = std::move(request_.request);
    c.user_prompt = request_.user_prompt;
    c.tool_results = std::move(request_.tool_results);
    c.response.text = response_.text;
    c.response.thinking = response_.thinking;
    c.response.stop_reason = response_.stop_reason;
    c.usage = {response_.usage.input, response_.usage.output, response_.usage.cache_read,
               response_.usage.cache_creation, response_.usage.reasoning};
    if (!error.empty()) c.error = std::move(error);
    if (first_content_ts_) c.ttft_ms = ms_between(start_ts_, first_content_ts_);
    c.duration_ms = ms_between(start_ts_, end);
    c.incomplete = incomplete;
    c.request_bytes = request_bytes_;
    c.response_bytes = response_bytes_;
    c.body_truncated = body_truncated_;
    c.decode_error = decode_error_;
    c.capture_gap = gap_;
    return derived_event(std::move(c));
}

derived_event exchange::http_event(bool incomplete) {
    uint64_t end = response_end_ts_ ? response_end_ts_ : last_ts_;
    events::http_exchange h;
    h.ts_ns = start_ts_;
    h.pid = meta_.pid;
    h.tid = meta_.tid;
    h.comm = meta_.comm;
    h.conn = meta_.conn;
    h.method = method_;
    h.host = host_;
    h.path = target_;
    h.status = status_;
    h.request_bytes = request_bytes_;
    h.response_bytes = response_bytes_;
    h.duration_ms = ms_between(start_ts_, end);
    h.content_type = content_type_;
    h.incomplete = incomplete;
    return derived_event(std::move(h));
}

}  // namespace agentsight::analyzers
