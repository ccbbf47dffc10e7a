// SPDX-License-Identifier: Apache-2.0
#include "app/run_counters.h"

#include <algorithm>
#include <cstdio>

#include "pipeline/analysis_loop.h"
#include "util/terminal_text.h"

namespace agentsight::cli {
namespace {

class counting_sink : public sink {
  public:
    explicit counting_sink(std::shared_ptr<run_counters> c) : c_(std::move(c)) {}
    void write(const event& e) override {
        c_->events++;
        if (std::holds_alternative<process_event>(e)) {
            c_->process_events++;
        } else if (std::holds_alternative<tls_event>(e)) {
            c_->tls_events++;
        } else {
            const auto& d = std::get<derived_event>(e);
            if (const auto* c = std::get_if<events::llm_call>(&d.payload)) {
                c_->llm_calls++;
                if (c->incomplete) c_->incomplete_calls++;
                if (c->capture_gap) c_->gap_calls++;
                c_->input_tokens +=
                    uint64_t(std::max<int64_t>(0, c->usage.input_tokens.value_or(0)));
                c_->output_tokens +=
                    uint64_t(std::max<int64_t>(0, c->usage.output_tokens.value_or(0)));
            } else if (const auto* a = std::get_if<events::alert>(&d.payload)) {
                c_->alerts++;
                if (a->rule == "opaque_connection" && c_->opaque_connections++ == 0) {
                    std::lock_guard lock(c_->mu);
                    c_->first_opaque = a->message;
                }
            }
        }
    }

  private:
    std::shared_ptr<run_counters> c_;
};

uint64_t kernel_drops(const capture_stats& s) {
    return s.process_drops[AS_DROP_RINGBUF] + s.tls_drops[AS_DROP_RINGBUF] +
           s.plain_drops[AS_DROP_RINGBUF];
}

}  // namespace

std::unique_ptr<sink> make_counting_sink(std::shared_ptr<run_counters> c) {
    return std::make_unique<counting_sink>(std::move(c));
}

json stats_json(const capture_stats& s, const run_counters& c) {
    return json{{"events", c.events.load()},
                {"llm_calls", c.llm_calls.load()},
                {"input_tokens", c.input_tokens.load()},
                {"output_tokens", c.output_tokens.load()},
                {"kernel_records", s.records},
                {"ringbuf_drops", kernel_drops(s)},
                {"rate_limited", s.process_drops[AS_DROP_RATE_LIMIT]},
                {"tracked_map_full", s.process_drops[AS_DROP_TRACKED_FULL]},
                {"tls_chunks", s.tls_chunks},
                {"tls_gap_bytes", s.tls_gap_bytes},
                {"tls_lost_bytes", s.tls_drops[AS_DROP_TLS_BYTES]},
                {"plaintext_chunks", s.plain_chunks},
                {"plaintext_gap_bytes", s.plain_gap_bytes},
                {"plaintext_lost_bytes", s.plain_drops[AS_DROP_TLS_BYTES]},
                {"queue_drops", s.queue_drops},
                {"decode_errors", s.decode_errors},
                {"opens_aggregated", s.opens_aggregated},
                {"tls_probes_attached", s.attach.probes_attached},
                {"tls_attach_failures", s.attach.attach_failures},
                {"tls_attach_requests_dropped", s.attach.requests_dropped},
                {"tls_files_skipped", s.attach.files_skipped},
                {"ring_reserve_refused", s.process_drops[AS_DROP_RESERVE]},
                {"drops_by_pid", drops_by_pid_json(s)},
                {"drops_by_tree", drops_by_tree_json(s)}};
}

void print_summary(const capture_stats& s, const run_counters& c) {
    fprintf(
        stderr,
        "agentsight: %llu events (%llu process, %llu tls), %llu LLM calls, %llu+%llu tokens\n"
        "agentsight: drops: ringbuf %llu, ring reserve %llu, rate-limited %llu, queue %llu, "
        "tls bytes lost %llu, decode errors %llu; TLS chunks %llu, probes attached %llu "
        "(failed %llu)\n",
        (unsigned long long)c.events.load(), (unsigned long long)c.process_events.load(),
        (unsigned long long)c.tls_events.load(), (unsigned long long)c.llm_calls.load(),
        (unsigned long long)c.input_tokens.load(), (unsigned long long)c.output_tokens.load(),
        (unsigned long long)kernel_drops(s), (unsigned long long)s.process_drops[AS_DROP_RESERVE],
        (unsigned long long)s.process_drops[AS_DROP_RATE_LIMIT], (unsigned long long)s.queue_drops,
        (unsigned long long)s.tls_drops[AS_DROP_TLS_BYTES], (unsigned long long)s.decode_errors,
        (unsigned long long)s.tls_chunks, (unsigned long long)s.attach.probes_attached,
        (unsigned long long)s.attach.attach_failures);
    if (std::string who = pid_drops_summary(s); !who.empty())
        fprintf(stderr, "agentsight: drops by process: %s\n", who.c_str());
    if (s.attach.files_skipped)
        fprintf(stderr, "agentsight: TLS files skipped: %llu (see the tls_skipped events)\n",
                (unsigned long long)s.attach.files_skipped);
    // Counters alone read as "all fine": say what is not whole, and why.
    const uint64_t calls = c.llm_calls.load(), incomplete = c.incomplete_calls.load(),
                   gaps = c.gap_calls.load(), opaque = c.opaque_connections.load();
    if (incomplete || gaps)
        fprintf(stderr,
                "agentsight: %llu of %llu LLM calls not whole: %llu incomplete (the response "
                "ended early or never came), %llu with bytes missing from the capture "
                "(capture_gap)\n",
                (unsigned long long)std::max(incomplete, gaps), (unsigned long long)calls,
                (unsigned long long)incomplete, (unsigned long long)gaps);
    if (opaque) {
        std::lock_guard lock(c.mu);
        fprintf(stderr,
                "agentsight: %llu connection%s stayed opaque (no plaintext decoded; see the "
                "opaque_connection alerts), first: %s\n",
                (unsigned long long)opaque, opaque == 1 ? "" : "s",
                printable(c.first_opaque).c_str());
    }
}

void status_line::maybe_print(const capture_stats& s, const run_counters& c) {
    if (!enabled_) return;
    uint64_t now = wall_clock_ns();
    if (now - last_ns_ < 1000000000ull) return;
    last_ns_ = now;
    fprintf(stderr, "\r\033[Kagentsight: %llu events | %llu LLM calls | %llu tokens | %llu drops",
            (unsigned long long)c.events.load(), (unsigned long long)c.llm_calls.load(),
            (unsigned long long)(c.input_tokens.load() + c.output_tokens.load()),
            (unsigned long long)(kernel_drops(s) + s.queue_drops));
    // Only when it happens: a file kept from the TLS search is a blind spot.
    if (s.attach.files_skipped)
        fprintf(stderr, " | %llu TLS files skipped", (unsigned long long)s.attach.files_skipped);
    if (uint64_t n = std::max(c.incomplete_calls.load(), c.gap_calls.load()))
        fprintf(stderr, " | %llu not whole", (unsigned long long)n);
    if (uint64_t n = c.opaque_connections.load())
        fprintf(stderr, " | %llu opaque", (unsigned long long)n);
    shown_ = true;
}

void status_line::clear() {
    if (shown_) fprintf(stderr, "\r\033[K");
    shown_ = false;
}

}  // namespace agentsight::cli
