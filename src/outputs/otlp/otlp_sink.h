// SPDX-License-Identifier: Apache-2.0
// Exports the session as OpenTelemetry GenAI traces and metrics over OTLP/HTTP
// JSON (docs/otlp.md). write() builds spans and queues them; a sender thread
// batches, POSTs and retries. A slow or dead collector costs dropped spans
// (counted), never a stalled capture.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "outputs/otlp/otlp_http.h"
#include "outputs/otlp/otlp_model.h"
#include "outputs/otlp/otlp_span_builder.h"
#include "pipeline/stage.h"
#include "util/result.h"

namespace agentsight {

struct otlp_options {
    // Base URL, e.g. "http://localhost:4318"; /v1/traces and /v1/metrics are
    // appended (a URL already ending in /v1/traces is accepted too).
    std::string endpoint;
    http_headers headers;          // e.g. {"Authorization", "Basic ..."} for Langfuse
    bool capture_content = false;  // --otlp-content: prompts, responses, tool I/O
    bool export_metrics = true;
    std::string service_name = "agentsight";
    std::string agentsight_version;
    std::string session_id;  // for events before a session_start; "" makes one up
    size_t max_queue_spans = 4096;
    size_t max_batch_spans = 512;
    std::chrono::milliseconds batch_interval{1000};
    int max_attempts = 5;  // per request, counting the first
    std::chrono::milliseconds initial_backoff{250};
    std::chrono::milliseconds max_backoff{5000};
    std::chrono::milliseconds request_timeout{5000};
    std::chrono::milliseconds close_timeout{5000};  // close() gives up sending after this
    std::function<void(const std::string&)> log;    // one-line problems; default stderr
};

struct otlp_stats {
    uint64_t spans_built = 0;
    uint64_t spans_sent = 0;       // accepted by the collector
    uint64_t spans_dropped = 0;    // queue full, or their request failed for good
    uint64_t requests_sent = 0;    // successful POSTs (traces and metrics)
    uint64_t requests_failed = 0;  // POSTs given up after retries, or refused
    uint64_t retries = 0;
    uint64_t metric_exports = 0;
};

class otlp_sink final : public sink {
  public:
    // Checks the endpoint URL; does not contact the collector.
    static result<std::unique_ptr<otlp_sink>> create(otlp_options options);
    ~otlp_sink() override;

    void write(const event& e) override;
    void flush() override;  // emits tools whose grace ran out, snapshots metrics
    void close() override;  // ends the session span, sends what it can within close_timeout

    otlp_stats stats() const;

  private:
    struct payload {
        std::string path;  // /v1/traces or /v1/metrics
        std::string body;
        size_t spans = 0;
    };

    otlp_sink(otlp_options options, http_url url);
    void enqueue_spans(std::vector<otlp_span>& spans);
    void enqueue_metrics();
    bool metrics_wanted();
    void sender_loop();
    // The number of spans the collector rejected, or nullopt when the request failed.
    std::optional<uint64_t> send_with_retry(const payload& p);
    void report(const std::string& msg);

    const otlp_options options_;
    const http_url url_;
    const otlp_resource resource_;
    otlp_span_builder builder_;  // analysis thread only
    std::vector<otlp_span> scratch_;

    mutable std::mutex mu_;
    std::condition_variable wake_;
    std::deque<otlp_span> spans_;
    std::deque<payload> metrics_;  // at most one pending snapshot
    bool stopping_ = false;
    bool closed_ = false;
    std::chrono::steady_clock::time_point deadline_{};  // set by close()

    std::atomic<uint64_t> built_{0}, sent_{0}, dropped_{0}, ok_requests_{0}, failed_requests_{0},
        retries_{0}, metric_exports_{0};
    bool reported_failure_ = false;  // sender thread only
    int last_status_ = 0;            // sender thread only: the last HTTP status seen
    std::string last_error_;         // sender thread only: why the last request failed
    std::atomic<bool> metrics_unsupported_{false};  // the receiver has no /v1/metrics
    std::thread sender_;
};

}  // namespace agentsight
