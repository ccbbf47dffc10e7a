// SPDX-License-Identifier: Apache-2.0
#include "analysis/protocol/http1_session.h"

#include <algorithm>

namespace agentsight::analyzers {

http1_session::http1_session(conn_meta meta, uint64_t& parse_errors)
    : meta_(std::move(meta)),
      request_parser_(http1_role::request, request_handler_, parse_errors),
      response_parser_(http1_role::response, response_handler_, parse_errors),
      parse_errors_(parse_errors) {}

uint64_t http1_session::last_ts() const {
    uint64_t t = 0;
    for (const auto& ex : pending_) t = std::max(t, ex->last_ts());
    return t;
}

void http1_session::feed(bool client, std::string_view data, uint64_t ts, int32_t tid,
                         std::vector<derived_event>& out) {
    http1_parser& p = client ? request_parser_ : response_parser_;
    if (client) tid_ = tid;
    if (p.desynced()) p.try_resync(data);
    out_ = &out;
    p.feed(data, ts);
    emit_ready(out);
    out_ = nullptr;
}

void http1_session::skip(bool client, uint64_t n, std::vector<derived_event>& out) {
    out_ = &out;
    (client ? request_parser_ : response_parser_).skip(n);
    emit_ready(out);
    out_ = nullptr;
}

void http1_session::close(uint64_t ts, std::vector<derived_event>& out) {
    out_ = &out;
    request_parser_.close(ts);
    response_parser_.close(ts);
    emit_ready(out);
    flush_all(out);
    out_ = nullptr;
}

void http1_session::expire(std::vector<derived_event>& out) {
    flush_all(out);
    // Whatever was mid-message is gone; wait for a record that starts a new one.
    request_parser_.skip(UINT64_MAX);
    response_parser_.skip(UINT64_MAX);
}

exchange* http1_session::awaiting_response() {
    for (auto& ex : pending_)
        if (!ex->response_started()) return ex.get();
    return nullptr;
}

void http1_session::emit_ready(std::vector<derived_event>& out) {
    // In order: a finished response behind an unfinished one waits (pipelining).
    while (!pending_.empty() && pending_.front()->response_done()) {
        exchange* ex = pending_.front().get();
        if (request_ == ex) request_ = nullptr;
        if (response_ == ex) response_ = nullptr;
        out.push_back(ex->finish(false));
        pending_.pop_front();
    }
}

void http1_session::flush_all(std::vector<derived_event>& out) {
    for (auto& ex : pending_) out.push_back(ex->finish(true));
    pending_.clear();
    request_ = response_ = nullptr;
}

void http1_session::request_side::on_head(http_head& head, uint64_t start_ts, uint64_t ts) {
    if (s.pending_.size() >= k_max_pending) {  // a peer that never answers: stop tracking
        ++s.parse_errors_;
        s.request_ = nullptr;
        return;
    }
    conn_meta meta = s.meta_;
    meta.tid = s.tid_;
    s.pending_.push_back(std::make_unique<exchange>(std::move(meta), start_ts));
    s.request_ = s.pending_.back().get();
    s.request_->request_head(head, ts);
}

void http1_session::request_side::on_body(std::string_view data, uint64_t ts) {
    if (s.request_) s.request_->request_body(data, ts);
}

void http1_session::request_side::on_body_gap(uint64_t) {
    if (s.request_) s.request_->gap();
}

void http1_session::request_side::on_end(uint64_t ts) {
    if (s.request_) s.request_->request_end(ts);
    s.request_ = nullptr;
}

void http1_session::request_side::on_abort() {
    if (s.request_) s.request_->abort();
    s.request_ = nullptr;
}

void http1_session::response_side::on_head(http_head& head, uint64_t, uint64_t ts) {
    s.response_ = s.awaiting_response();
    if (s.response_) s.response_->response_head(head, ts);
}

void http1_session::response_side::on_body(std::string_view data, uint64_t ts) {
    if (s.response_) s.response_->response_body(data, ts);
}

void http1_session::response_side::on_body_gap(uint64_t) {
    if (s.response_) s.response_->gap();
}

void http1_session::response_side::on_end(uint64_t ts) {
    if (s.response_) s.response_->response_end(ts);
    s.response_ = nullptr;
}

// The response framing is lost, so we cannot tell which later response answers which
// request: everything already sent ends incomplete, and pairing restarts after resync.
void http1_session::response_side::on_abort() {
    s.response_ = nullptr;
    if (!s.out_) return;  // expire() flushed already
    while (!s.pending_.empty() && s.pending_.front().get() != s.request_) {
        s.pending_.front()->abort();
        s.out_->push_back(s.pending_.front()->finish(true));
        s.pending_.pop_front();
    }
}

bool http1_session::response_side::next_response_is_head() {
    exchange* ex = s.awaiting_response();
    return ex && ex->head_request();
}

}  // namespace agentsight::analyzers
