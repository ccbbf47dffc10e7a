// SPDX-License-Identifier: Apache-2.0
#include "app/capture_run.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include <sys/wait.h>
#include <unistd.h>

#include "app/analysis_process.h"
#include "app/analysis_watch.h"
#include "app/event_forwarder.h"
#include "app/fail.h"
#include "app/output.h"
#include "app/run_as.h"
#include "app/sandbox.h"
#include "bpf/detach_holder.h"
#include "outputs/trace/sqlite_files.h"
#include "outputs/trace/trace_format.h"
#include "pipeline/analysis_loop.h"
#include "pipeline/session_events.h"
#include "util/terminal_text.h"

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

// The analysis process finished the SQLite trace itself (checkpointed, WAL
// emptied) but, as --user, may not unlink in the trace's directory, so the
// emptied WAL and its shared-memory index outlive it. They are removed here
// by name, looked at with lstat only: the privileged process never opens,
// let alone parses, what the sandboxed writer produced.
void remove_sqlite_sidecars(const std::string& path, const std::string& format) {
    auto fmt = format_for_output_path(path, format);
    if (fmt && *fmt == output_format::sqlite) remove_empty_sqlite_sidecars(path);
}

// "" when the link cannot be read (the process ended, or it is not ours to see).
std::string traced_cwd(int pid) {
    std::error_code ec;
    auto cwd = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec);
    return ec ? std::string() : cwd.string();
}

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
        ->transform([](std::string s) {
            char* end = nullptr;
            unsigned long mb = std::strtoul(s.c_str(), &end, 10);
            // The kernel wants a power-of-two ring; 4 GiB is the most its sizes can say.
            if (s.empty() || *end || mb == 0 || mb > 2048 || (mb & (mb - 1)))
                throw CLI::ValidationError("a power of two from 1 to 2048, not '" + s + "'");
            return std::to_string(mb << 20);
        })
        ->default_str("8");
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
    cmd.add_flag("--plaintext", o.capture.plaintext,
                 "Also capture plain TCP (no TLS), pipe and unix-socket streams of the traced "
                 "tree: local models over http://, MCP over stdio");
    cmd.add_flag("-q,--quiet", o.quiet, "No status line or summary on stderr");
    cmd.add_option("-Z,--user", o.user,
                   "Parse, store and serve as this user, with no capabilities (the capture "
                   "process alone keeps its privileges)")
        ->default_val("nobody");
    cmd.add_option("--run-as", o.run_as,
                   "Run -- CMD as this user (name or uid); under sudo the default is the "
                   "invoking user, 'root' keeps root");
    cmd.add_flag("-v,--verbose", o.capture.verbose, "libbpf and attach details on stderr");
    cmd.add_option("command", t.command, "-- CMD ARGS...: launch CMD traced (after probes attach)")
        ->expected(-1);
}

namespace {

// How the recording loop ended.
struct loop_end {
    int exit_status = 0;
    bool target_ended = false;
    std::optional<std::string> tampered;
};

// Publishes stats and notes until the target ends, a signal arrives, the analysis process
// goes away, or the watch sees it tampered with.
loop_end record_until_done(capture& cap, event_forwarder& forward, analysis_watch& watch) {
    loop_end r;
    while (!g_signal && !forward.reader_gone()) {
        if (cap.target_done(r.exit_status)) {
            r.target_ended = true;
            break;
        }
        if ((r.tampered = watch.check(cap))) break;
        forward.publish(cap.stats(), cap.take_notes());
        cap.await_target(50);
    }
    if (!r.tampered) r.tampered = watch.settle(cap);
    return r;
}

// The recording failed, not the agent: it keeps the terminal until it is done.
void wait_for_command(pid_t command) {
    int st;
    while (!g_signal && ::waitpid(command, &st, 0) < 0 && errno == EINTR) {
    }
}

// Checks the flags against each other and the target, decides who -- CMD runs as, and fills
// in the defaults that depend on the target; before any output is created. Returns the user
// the analysis process runs as.
sandbox_user prepare_run(capture_run_options& o) {
    const targeting& t = o.capture.target;
    if (int chosen = !t.command.empty() + (t.pid != 0) + !t.comm.empty(); chosen > 1)
        throw failure("choose one of -- CMD, --pid and --comm", 2);
    if (!o.run_as.empty() && t.command.empty()) throw failure("--run-as applies to -- CMD only", 2);
    sandbox_user analysis_user = must(lookup_user(o.user));
    if (!t.command.empty()) {
        run_as_choice who = must(choose_run_as(o.run_as));
        if (!who.warning.empty()) fprintf(stderr, "agentsight: %s\n", who.warning.c_str());
        // Signals need only the same uid, so the agent could stop its own parser.
        if (who.identity && who.identity->uid == analysis_user.uid)
            fprintf(stderr,
                    "agentsight: warning: -- CMD runs as %s, the analysis process's user: it "
                    "can signal it (choose another -Z/--user)\n",
                    who.identity->name.c_str());
        o.capture.target.command_user = std::move(who.identity);
    }
    if (o.capture.discovery_cache_dir.empty()) o.capture.discovery_cache_dir = default_cache_dir();
    // The launched command starts in our directory: that is where it may write.
    if (o.analysis.workdir.empty() && !t.command.empty())
        o.analysis.workdir = std::filesystem::current_path().string();
    // Checked again by capture::start; here it fails before any output is created.
    if (t.pid && ::kill(t.pid, 0) != 0 && errno == ESRCH)
        throw failure("--pid " + std::to_string(t.pid) + ": no such process");
    // A followed process's directory is read here, by the process that traces it, and
    // recorded in session_start: the analysis (nobody, or a replay) never reads /proc.
    if (o.analysis.workdir.empty() && t.pid) o.analysis.workdir = traced_cwd(t.pid);
    return analysis_user;
}

derived_event session_start_event(const session_info& session, const std::string& workdir) {
    derived_event start = make_session_start(session);
    if (!workdir.empty()) {
        std::get<events::session_start>(start.payload).cwd = workdir;
        start.refresh();
    }
    return start;
}

}  // namespace

int run_capture(capture_run_options& o) {
    install_signal_handlers();
    const sandbox_user analysis_user = prepare_run(o);
    const targeting& t = o.capture.target;
    session_info session{new_session_id(), wall_clock_ns(), command_line(t), local_hostname(),
                         k_version};

    analysis_child child = spawn_analysis(o, {session.session_id, analysis_user});
    o.capture.probes.analysis_tgid = uint32_t(child.pid);
    o.capture.restrict_privileges = keep_capture_capabilities;

    bounded_queue<event> queue(1 << 18);
    // Queued before capture starts, so it is the trace's first line.
    if (o.kinds == output_kinds::everything)
        queue.try_push(session_start_event(session, o.analysis.workdir));
    std::vector<std::string> notes;
    auto cap = capture::start(o.capture, queue, notes);
    if (!cap) {
        child.wait();  // ends its input: it closes the trace
        throw failure(cap.message());
    }
    // Started after the capture dropped its extra capabilities, so it holds none of them.
    event_forwarder forward(queue, child.events_fd);
    for (const auto& n : notes)
        if (!o.quiet) fprintf(stderr, "agentsight: %s\n", printable(n).c_str());

    analysis_watch watch(child.pid);
    const auto [exit_status, target_ended, tampered] = record_until_done(**cap, forward, watch);
    if (tampered) fprintf(stderr, "agentsight: %s\n", tampered->c_str());
    // From here on the analysis process is sent SIGCONT until it exits: stopped, it writes
    // what it was sent (a tamper alert included), and no later stop by a process the agent
    // left behind can make us wait on it for ever.
    watch.start_resuming();
    (*cap)->stop();
    capture_stats stats = (*cap)->stats();
    pid_t command = target_ended ? 0 : (*cap)->command_pid();
    {
        // The kernel's per-probe detach waits are paid by a holder process after we
        // return (bpf/detach_holder.h); our own close only disables the probes.
        bpf::detach_holder holder;
        cap->reset();
    }
    forward.finish(stats);
    using limit = std::optional<std::chrono::milliseconds>;
    if (!watch.await_exit(tampered ? limit(std::chrono::seconds(10)) : std::nullopt)) {
        fprintf(stderr, "agentsight: the analysis process did not finish its trace\n");
        return 1;  // not reaped: waiting on a process the agent keeps stopped would hang
    }
    watch.stop_resuming();
    int analysis_status = child.wait();
    if (tampered) return analysis_status ? analysis_status : 1;
    if (o.output != "-") remove_sqlite_sidecars(o.output, o.format);
    if (analysis_status != 0) {
        if (command) wait_for_command(command);
        return analysis_status;
    }
    if (!target_ended && g_signal) return 128 + g_signal;
    return exit_status;
}

}  // namespace agentsight::cli
