// SPDX-License-Identifier: Apache-2.0
#include "outputs/otlp/otlp_sink.h"
#include "util/terminal_text.h"

#include <cstdio>
#include <random>

namespace agentsight {
namespace {

using clock = std::chrono::steady_clock;
constexpr std::string_view k_json = "application/json";

uint64_t wall_now_ns() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
}

// A collector that accepted the request but not every span says so here.
uint64_t rejected_spans(const std::string& body) {
    if (body.find("partialSuccess") == std::string::npos) return 0;
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return 0;
    auto ps = j.find("partialSuccess");
    if (ps == j.end() || !ps->is_object()) return 0;
    auto r = ps->find("rejectedSpans");
    if (r == ps->end()) return 0;
    if (r->is_number_unsigned()) return r->get<uint64_t>();
    if (r->is_string()) return std::strtoull(r->get<std::string>().c_str(), nullptr, 10);
    return 0;
}

}  // namespace

result<std::unique_ptr<otlp_sink>> otlp_sink::create(otlp_options options) {
    std::string endpoint = options.endpoint;
    for (std::string_view suffix : {"/v1/traces", "/v1/metrics"})
        if (endpoint.size() > suffix.size() &&
            endpoint.compare(endpoint.size() - suffix.size(), suffix.size(), suffix) == 0)
            endpoint.resize(endpoint.size() - suffix.size());
    auto url = parse_http_url(endpoint);
    if (!url) return error{"--otlp " + url.message()};
    if (options.max_attempts < 1) options.max_attempts = 1;
    if (options.max_batch_spans < 1) options.max_batch_spans = 1;
    return std::unique_ptr<otlp_sink>(new otlp_sink(std::move(options), std::move(*url)));
}

otlp_sink::otlp_sink(otlp_options options, http_url url)
    : options_(std::move(options)),
      url_(std::move(url)),
      resource_{options_.service_name, options_.agentsight_version, ""},
      builder_(otlp_builder_options{options_.capture_content, options_.session_id}) {
    sender_ = std::thread([this] { sender_loop(); });
}

otlp_sink::~otlp_sink() {
    close();
}

void otlp_sink::write(const event& e) {
    scratch_.clear();
    builder_.on_event(e, scratch_);
    enqueue_spans(scratch_);
}

void otlp_sink::flush() {
    scratch_.clear();
    builder_.on_tick(scratch_);
    enqueue_spans(scratch_);
    if (metrics_wanted()) enqueue_metrics();
}

bool otlp_sink::metrics_wanted() {
    return options_.export_metrics && !metrics_unsupported_.load(std::memory_order_relaxed) &&
           builder_.metrics().dirty();
}

void otlp_sink::enqueue_spans(std::vector<otlp_span>& spans) {
    if (spans.empty()) return;
    built_.fetch_add(spans.size(), std::memory_order_relaxed);
    bool wake = false;
    {
        std::lock_guard lock(mu_);
        for (auto& s : spans) {
            if (spans_.size() >= options_.max_queue_spans || stopping_) {
                dropped_.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            spans_.push_back(std::move(s));
        }
        wake = spans_.size() >= options_.max_batch_spans;
    }
    if (wake) wake_.notify_one();
}

void otlp_sink::enqueue_metrics() {
    payload p{"/v1/metrics", builder_.metrics().encode(resource_, wall_now_ns()), 0};
    {
        std::lock_guard lock(mu_);
        // Cumulative points: the newest snapshot supersedes an unsent one.
        metrics_.clear();
        metrics_.push_back(std::move(p));
    }
    wake_.notify_one();
}

void otlp_sink::close() {
    {
        std::lock_guard lock(mu_);
        if (closed_) return;
        closed_ = true;
    }
    scratch_.clear();
    builder_.finish(wall_now_ns(), scratch_);
    enqueue_spans(scratch_);
    if (metrics_wanted()) enqueue_metrics();
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        deadline_ = clock::now() + options_.close_timeout;
    }
    wake_.notify_all();
    if (sender_.joinable()) sender_.join();
    {
        std::lock_guard lock(mu_);
        dropped_.fetch_add(spans_.size(), std::memory_order_relaxed);
        spans_.clear();
    }
    auto s = stats();
    if (s.spans_dropped)
        report("otlp " + options_.endpoint + ": " + std::to_string(s.spans_dropped) + " of " +
               std::to_string(s.spans_built) + " spans not delivered (" +
               std::to_string(s.requests_failed) + " failed requests)");
}

otlp_stats otlp_sink::stats() const {
    return {built_.load(),           sent_.load(),    dropped_.load(),       ok_requests_.load(),
            failed_requests_.load(), retries_.load(), metric_exports_.load()};
}

void otlp_sink::report(const std::string& msg) {
    if (options_.log) {
        options_.log(msg);
    } else {
        std::fprintf(stderr, "agentsight: %s\n", printable(msg).c_str());
    }
}

void otlp_sink::sender_loop() {
    for (;;) {
        payload p;
        bool have = false;
        {
            std::unique_lock lock(mu_);
            wake_.wait_for(lock, options_.batch_interval, [&] {
                return stopping_ || !metrics_.empty() || spans_.size() >= options_.max_batch_spans;
            });
            if (stopping_ && clock::now() >= deadline_) return;
            if (!metrics_.empty()) {
                p = std::move(metrics_.front());
                metrics_.pop_front();
                have = true;
            } else if (!spans_.empty()) {
                std::vector<otlp_span> batch;
                while (!spans_.empty() && batch.size() < options_.max_batch_spans) {
                    batch.push_back(std::move(spans_.front()));
                    spans_.pop_front();
                }
                lock.unlock();
                p = {"/v1/traces", encode_trace_request(resource_, batch), batch.size()};
                have = true;
            } else if (stopping_) {
                return;
            }
        }
        if (!have) continue;
        if (auto rejected = send_with_retry(p)) {
            ok_requests_.fetch_add(1, std::memory_order_relaxed);
            sent_.fetch_add(p.spans - *rejected, std::memory_order_relaxed);
            dropped_.fetch_add(*rejected, std::memory_order_relaxed);
            if (p.path == "/v1/metrics") metric_exports_.fetch_add(1, std::memory_order_relaxed);
        } else {
            failed_requests_.fetch_add(1, std::memory_order_relaxed);
            dropped_.fetch_add(p.spans, std::memory_order_relaxed);
            // A traces-only receiver (Jaeger) has no metrics endpoint: stop asking.
            if (p.path == "/v1/metrics" &&
                (last_status_ == 404 || last_status_ == 405 || last_status_ == 501)) {
                if (!metrics_unsupported_.exchange(true))
                    report("otlp " + options_.endpoint + "/v1/metrics: HTTP " +
                           std::to_string(last_status_) + "; not sending metrics to this receiver");
            } else if (!reported_failure_) {
                reported_failure_ = true;
                report("otlp " + options_.endpoint + p.path + ": " + last_error_ +
                       "; telemetry is being dropped (capture continues)");
            }
        }
    }
}

std::optional<uint64_t> otlp_sink::send_with_retry(const payload& p) {
    std::minstd_rand jitter(std::random_device{}());
    auto backoff = options_.initial_backoff;
    std::string why;
    for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
        auto timeout = options_.request_timeout;
        {
            std::lock_guard lock(mu_);
            if (stopping_) {
                auto left =
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - clock::now());
                if (left.count() <= 0) break;
                timeout = std::min(timeout, left);
            }
        }
        auto r = http_post(url_, p.path, k_json, p.body, options_.headers, timeout);
        last_status_ = r ? r->status : 0;
        int retry_after_s = -1;
        if (r && r->status >= 200 && r->status < 300) {
            const uint64_t rejected = std::min<uint64_t>(rejected_spans(r->body), p.spans);
            if (rejected && !reported_failure_) {
                reported_failure_ = true;
                report("otlp " + options_.endpoint + p.path + ": collector rejected " +
                       std::to_string(rejected) + " spans: " + r->body.substr(0, 200));
            }
            return rejected;
        }
        if (r) {
            why = "HTTP " + std::to_string(r->status) + " " + r->body.substr(0, 200);
            retry_after_s = r->retry_after_s;
            // 429 and 5xx are the collector asking to try later; other codes will not change.
            if (r->status != 429 && r->status < 500) break;
        } else {
            why = r.message();
        }
        if (attempt + 1 == options_.max_attempts) break;
        retries_.fetch_add(1, std::memory_order_relaxed);
        auto wait = backoff;
        if (retry_after_s >= 0)
            wait = std::max<std::chrono::milliseconds>(wait, std::chrono::seconds(retry_after_s));
        wait = std::min(wait, options_.max_backoff);
        wait = std::chrono::milliseconds(static_cast<int64_t>(
            wait.count() * std::uniform_real_distribution<double>(0.8, 1.2)(jitter)));
        backoff = std::min(backoff * 2, options_.max_backoff);
        auto until = clock::now() + wait;
        std::unique_lock lock(mu_);
        while (clock::now() < until) {
            if (stopping_ && deadline_ < until) until = deadline_;
            wake_.wait_until(lock, until);
        }
    }
    last_error_ = why;
    return std::nullopt;
}

}  // namespace agentsight
