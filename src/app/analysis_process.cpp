// SPDX-License-Identifier: Apache-2.0
#include "app/analysis_process.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/fail.h"
#include "app/output.h"
#include "app/run_counters.h"
#include "app/session_closer.h"
#include "outputs/output_registry.h"
#include "outputs/trace/trace_format.h"
#include "pipeline/analysis_loop.h"
#include "pipeline/event_wire.h"
#include "pipeline/frame_channel.h"
#include "util/terminal_text.h"

namespace agentsight::cli {
namespace {

bool wanted(output_kinds kinds, const event& e) {
    switch (kinds) {
        case output_kinds::process_only:
            return std::holds_alternative<process_event>(e);
        case output_kinds::tls_only: {
            // A file kept from the TLS search is part of what `tls` reports.
            const auto* p = std::get_if<process_event>(&e);
            return std::holds_alternative<tls_event>(e) ||
                   (p && p->type == process_event_type::tls_skipped);
        }
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
    std::string failure() const override { return inner_->failure(); }

  private:
    output_kinds kinds_;
    std::unique_ptr<sink> inner_;
};

// The capture counters as last sent: for the status line, the summary and
// session_end. Written by the reading thread, read by the analysis thread.
class latest_stats {
  public:
    void set(const std::string& bytes) {
        if (bytes.size() != sizeof(capture_stats)) return;
        std::lock_guard lock(mu_);
        std::memcpy(&s_, bytes.data(), sizeof s_);
        seen_ = true;
    }
    capture_stats get() const {
        std::lock_guard lock(mu_);
        return s_;
    }
    bool seen() const {
        std::lock_guard lock(mu_);
        return seen_;
    }

  private:
    mutable std::mutex mu_;
    capture_stats s_{};
    bool seen_ = false;
};

std::string signal_story(int sig) {
    std::string s = "the analysis process was killed by signal " + std::to_string(sig) + " (" +
                    (sigabbrev_np(sig) ? sigabbrev_np(sig) : "?") + ")";
    if (sig == SIGSYS) s += ": it made a system call its seccomp filter forbids";
    return s;
}

// The trace's directory, and the ports --otlp and --ui need: nothing more.
sandbox_policy sandbox_policy_for(const capture_run_options& o) {
    sandbox_policy p;
    if (o.output != "-") {
        p.output_path = o.output;
        auto format = format_for_output_path(o.output, o.format);
        p.output_companions = format && *format == output_format::sqlite;
    }
    for (const auto& output : export_outputs())  // the policy allows one port: the first
        if (output.wanted(o.exports) && !p.connect_port)
            p.connect_port = output.connect_port(o.exports);
    if (o.ui) p.bind_port = o.ui_port;
    return p;
}

}  // namespace

int analysis_child::wait() {
    if (events_fd >= 0) ::close(events_fd);
    events_fd = -1;
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return 1;
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    fprintf(stderr, "agentsight: %s\n", signal_story(WTERMSIG(st)).c_str());
    return 1;
}

analysis_child spawn_analysis(capture_run_options& o, analysis_process_args a) {
    int sv[2], ready[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
        ::pipe2(ready, O_CLOEXEC) != 0)
        throw failure(std::string("cannot create the analysis channel: ") + strerror(errno));
    fflush(nullptr);  // or buffered output would be written twice
    pid_t pid = ::fork();
    if (pid < 0)
        throw failure(std::string("cannot start the analysis process: ") + strerror(errno));
    if (pid == 0) {
        ::close(sv[0]);
        ::close(ready[0]);
        a.events_fd = sv[1];
        a.ready_fd = ready[1];
        int code = run_analysis_process(o, a);
        fflush(nullptr);
        _exit(code);
    }
    ::close(sv[1]);
    ::close(ready[1]);
    analysis_child child{pid, sv[0]};
    char byte = 0;
    ssize_t n;
    while ((n = ::read(ready[0], &byte, 1)) < 0 && errno == EINTR) {
    }
    ::close(ready[0]);
    if (n != 1) {
        int code = child.wait();
        throw failure("", code ? code : 1);  // the analysis process printed why
    }
    return child;
}

namespace {

// Where the frames of the capture process go.
struct frame_targets {
    bounded_queue<event>& queue;
    const analysis_loop& analysis;
    latest_stats& stats;
    const run_counters& counters;
    status_line& status;
};

// Relays the capture process's frames until it ends the stream: "" then, or why the channel
// failed. Stops early when the pipeline failed (the caller reports it).
std::string relay_frames(int events_fd, frame_targets r, bool quiet) {
    frame_reader reader(events_fd);
    std::string payload;
    for (;;) {
        frame_kind kind{};
        auto st = reader.next(kind, payload, 100);
        if (st == frame_reader::status::eof) break;
        if (st == frame_reader::status::error) return "capture channel: " + reader.why();
        if (st == frame_reader::status::frame) {
            if (kind == frame_kind::event) {
                auto e = parse_event_wire(payload);
                if (!e) return "capture channel: " + e.message();
                r.queue.push_wait(std::move(*e));
            } else if (kind == frame_kind::stats) {
                r.stats.set(payload);
            } else if (kind == frame_kind::note && !quiet) {
                r.status.clear();
                // Notes quote what the agent opened (library paths): terminal-safe first.
                fprintf(stderr, "agentsight: %s\n", printable(payload).c_str());
            }
        }
        if (!r.analysis.failure().empty()) break;
        r.status.maybe_print(r.stats.get(), r.counters);
    }
    return {};
}

// One line: what failed, what it cost, and that the agent is not affected.
void report_sink_failure(const std::string& failed, const std::vector<std::string>& command) {
    std::string after = command.empty() ? "" : "; " + command[0] + " keeps running";
    fprintf(stderr, "agentsight: %s; recording stopped%s\n", printable(failed).c_str(),
            printable(after).c_str());
}

}  // namespace

int run_analysis_process(capture_run_options& o, const analysis_process_args& a) {
    prctl(PR_SET_NAME, "agentsight-ana", 0, 0, 0);
    // The capture process owns the recording's lifetime: it ends the stream on
    // Ctrl-C or SIGTERM, and this process finishes the trace after it.
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);

    pipeline pipe;
    auto counters = std::make_shared<run_counters>();
    auto stats = std::make_shared<latest_stats>();
    std::shared_ptr<void> exporters;
    try {
        add_analysis_stages(pipe, o.analysis);
        if (o.kinds == output_kinds::everything)
            pipe.add_stage(std::make_unique<session_closer>(
                a.session_id, [=] { return stats_json(stats->get(), *counters); }));
        // Opened while privileged: the unprivileged user may not create files here.
        pipe.add_sink(
            std::make_unique<kind_filter_sink>(o.kinds, must(open_output(o.output, o.format))));
        pipe.add_sink(make_counting_sink(counters));
        std::string note;
        if (auto st = enter_sandbox(a.user, sandbox_policy_for(o), note); !st)
            throw failure(st.message());
        if (!note.empty() && !o.quiet) fprintf(stderr, "agentsight: %s\n", note.c_str());
        // Threads start only now, so each inherits the dropped credentials.
        exporters = add_export_sinks(pipe, o);
    } catch (const failure& f) {
        fprintf(stderr, "agentsight: %s\n", f.what());
        return f.exit_code;
    }
    if (::write(a.ready_fd, "R", 1) != 1) return 1;
    ::close(a.ready_fd);

    bounded_queue<event> queue(1 << 16);
    analysis_loop analysis(queue, pipe);
    status_line status(!o.quiet && isatty(STDERR_FILENO));
    const std::string channel_error =
        relay_frames(a.events_fd, {queue, analysis, *stats, *counters, status}, o.quiet);
    // Closing our end makes the capture process's next write fail: it stops.
    ::close(a.events_fd);
    analysis.finish();
    exporters.reset();
    status.clear();
    // Asked once the sinks are closed: sticky, with the final count, and including a
    // failure in the final flush that the loop never saw.
    if (std::string failed = pipe.failure(); !failed.empty()) {
        report_sink_failure(failed, o.capture.target.command);
        return 1;
    }
    if (!channel_error.empty()) {
        fprintf(stderr, "agentsight: %s\n", printable(channel_error).c_str());
        return 1;
    }
    // No counters means capture never started: its error is the capture process's to print.
    if (!o.quiet && stats->seen()) print_summary(stats->get(), *counters);
    return 0;
}

}  // namespace agentsight::cli
