#include "cli/capture_run.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <unistd.h>

#include "cli/fail.h"
#include "cli/output.h"
#include "cli/run_counters.h"
#include "cli/session_closer.h"
#include "pipeline/analysis_loop.h"
#include "sinks/session_events.h"

namespace agentsight::cli {
namespace {

std::atomic<int> g_signal{0};

void on_signal(int sig) {
    g_signal = sig;
}

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a closed stdout is reported by the sink, not fatal
}

bool wanted(output_kinds kinds, const event& e) {
    switch (kinds) {
        case output_kinds::process_only:
            return std::holds_alternative<process_event>(e);
        case output_kinds::tls_only:
            return std::holds_alternative<tls_event>(e);
        case output_kinds::everything:
            return true;
    }
    return true;
}

// Only the kinds a subcommand promises reach its output.
class kind_filter_sink : public sink {
  public:
    kind_filter_sink(output_kinds k, std::unique_ptr<sink> inner)
        : kinds_(k), inner_(std::move(inner)) {}
    void write(const event& e) override {
        if (wanted(kinds_, e)) inner_->write(e);
    }
    void flush() override { inner_->flush(); }
    void close() override { inner_->close(); }

  private:
    output_kinds kinds_;
    std::unique_ptr<sink> inner_;
};

std::string command_line(const targeting& t) {
    std::string s;
    for (const auto& a : t.command) s += (s.empty() ? "" : " ") + a;
    if (t.pid) s = "--pid " + std::to_string(t.pid);
    if (!t.comm.empty()) s = "--comm " + t.comm;
    return s;
}

}  // namespace

void add_capture_flags(CLI::App& cmd, capture_run_options& o) {
    auto& t = o.capture.target;
    cmd.add_option("-p,--pid", t.pid, "Trace this process and its current and future descendants")
        ->check(CLI::PositiveNumber);
    cmd.add_option("-c,--comm", t.comm,
                   "Trace processes whose executable name is NAME, and their descendants");
    cmd.add_option("-o,--output", o.output, "Output file ('-' = stdout)");
    cmd.add_option("--ringbuf-mb", o.capture.probes.tls_ring_bytes,
                   "TLS ring buffer size in MiB (power of two)")
        ->transform([](std::string s) { return std::to_string(std::stoul(s) << 20); })
        ->default_str("32");
    cmd.add_option("--max-capture", o.capture.probes.tls_max_capture,
                   "Plaintext bytes captured per TLS call; more is flagged truncated")
        ->default_val(1u << 20);
    cmd.add_option("--rate-limit", o.capture.probes.rate_per_sec,
                   "File/network records per second per process before 'suppressed' records "
                   "(0 = unlimited)")
        ->default_val(5000);
    cmd.add_option("--rate-burst", o.capture.probes.rate_burst,
                   "Records a process may emit in a burst before the rate limit applies")
        ->default_val(20000);
    cmd.add_flag(
        "--no-redact", [&o](int64_t) { o.analysis.redact = false; },
        "Do not redact API keys, auth headers and tokens (they are redacted by default)");
    cmd.add_flag("-q,--quiet", o.quiet, "No status line or summary on stderr");
    cmd.add_flag("-v,--verbose", o.capture.verbose, "libbpf and attach details on stderr");
    cmd.add_option("command", t.command, "-- CMD ARGS...: launch CMD traced (after probes attach)")
        ->expected(-1);
}

int run_capture(capture_run_options& o) {
    install_signal_handlers();
    const targeting& t = o.capture.target;
    if (int chosen = !t.command.empty() + (t.pid != 0) + !t.comm.empty(); chosen > 1)
        throw failure("choose one of -- CMD, --pid and --comm", 2);
    if (o.capture.discovery_cache_dir.empty()) o.capture.discovery_cache_dir = default_cache_dir();

    pipeline pipe;
    auto counters = std::make_shared<run_counters>();
    auto final_stats = std::make_shared<capture_stats>();
    session_info session{new_session_id(), wall_clock_ns(), command_line(t), local_hostname(),
                         k_version};
    // The launched command starts in our directory: that is where it may write.
    if (o.analysis.workdir.empty() && !t.command.empty())
        o.analysis.workdir = std::filesystem::current_path().string();
    add_analysis_stages(pipe, o.analysis);
    if (o.kinds == output_kinds::everything)
        pipe.add_stage(std::make_unique<session_closer>(
            session.session_id, [=] { return stats_json(*final_stats, *counters); }));
    pipe.add_sink(
        std::make_unique<kind_filter_sink>(o.kinds, must(open_output(o.output, o.format))));
    pipe.add_sink(make_counting_sink(counters));
    auto exporters = add_export_sinks(pipe, o);

    bounded_queue<event> queue(1 << 18);
    // Queued before capture starts, so it is the trace's first line.
    if (o.kinds == output_kinds::everything) {
        derived_event start = make_session_start(session);
        if (!o.analysis.workdir.empty()) start.body["cwd"] = o.analysis.workdir;
        queue.try_push(std::move(start));
    }
    std::vector<std::string> notes;
    auto cap = capture::start(o.capture, queue, notes);
    if (!cap) throw failure(cap.message());
    for (const auto& n : notes)
        if (!o.quiet) fprintf(stderr, "agentsight: %s\n", n.c_str());

    analysis_loop analysis(queue, pipe);

    status_line status(!o.quiet && isatty(STDERR_FILENO));
    int exit_status = 0;
    bool target_ended = false;
    while (!g_signal) {
        if ((*cap)->target_done(exit_status)) {
            target_ended = true;
            break;
        }
        for (const auto& n : (*cap)->take_notes())
            if (!o.quiet) fprintf(stderr, "agentsight: %s\n", n.c_str());
        status.maybe_print((*cap)->stats(), *counters);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    (*cap)->stop();
    capture_stats stats = (*cap)->stats();
    *final_stats = stats;
    cap->reset();  // detach every probe before the (possibly slow) final flush
    analysis.finish();
    status.clear();
    if (!o.quiet) print_summary(stats, *counters);
    if (!target_ended && g_signal) return 128 + g_signal;
    return exit_status;
}

}  // namespace agentsight::cli
