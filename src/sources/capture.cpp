// SPDX-License-Identifier: Apache-2.0
#include "sources/capture.h"
#include "sources/command_program.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>

#include <unistd.h>

#include "bpf/features.h"
#include "sources/targeting.h"
#include "util/terminal_text.h"

namespace agentsight {
namespace {

uint64_t now_epoch_ns() {
    timespec t{};
    clock_gettime(CLOCK_REALTIME, &t);
    return uint64_t(t.tv_sec) * 1000000000 + t.tv_nsec;
}

// A file the TLS attacher refused to read, as an event in the trace.
process_event tls_skipped_event(int32_t pid, const std::string& path, const std::string& reason) {
    process_event e;
    e.type = process_event_type::tls_skipped;
    e.ts_ns = now_epoch_ns();
    e.pid = pid;
    e.comm = comm_of(pid);
    e.path = path;
    e.reason = reason;
    return e;
}

json drops_array(const pid_drop_stat* begin, const pid_drop_stat* end, const char* id) {
    json out = json::array();
    for (const pid_drop_stat* d = begin; d != end && d->pid; ++d) {
        json o{{id, d->pid}};
        if (std::string_view(id) == "pid") {
            o["root"] = d->root;
            o["comm"] = std::string(d->comm, strnlen(d->comm, sizeof d->comm));
        }
        o["ring_full"] = d->ring_full;
        o["reserve"] = d->reserve;
        o["rate_limited"] = d->rate_limited;
        out.push_back(std::move(o));
    }
    return out;
}

template <size_t N>
void keep_largest(std::vector<pid_drop_stat>& all, std::array<pid_drop_stat, N>& slots) {
    std::sort(all.begin(), all.end(), [](const pid_drop_stat& a, const pid_drop_stat& b) {
        return a.total() != b.total() ? a.total() > b.total() : a.pid < b.pid;
    });
    slots = {};
    std::copy_n(all.begin(), std::min(N, all.size()), slots.begin());
}

}  // namespace

json drops_by_pid_json(const capture_stats& s) {
    return drops_array(s.pid_drops.data(), s.pid_drops.data() + s.pid_drops.size(), "pid");
}

json drops_by_tree_json(const capture_stats& s) {
    return drops_array(s.tree_drops.data(), s.tree_drops.data() + s.tree_drops.size(), "root");
}

std::string pid_drops_summary(const capture_stats& s) {
    std::string out;
    for (size_t i = 0; i < 3 && s.pid_drops[i].pid; ++i) {
        const pid_drop_stat& d = s.pid_drops[i];
        char line[256];
        snprintf(line, sizeof line,
                 "%spid %d (%s, tree %d): %llu refused for ring reserve, %llu ring full, %llu "
                 "rate-limited",
                 out.empty() ? "" : "; ", d.pid,
                 printable({d.comm, strnlen(d.comm, sizeof d.comm)}).c_str(), d.root,
                 (unsigned long long)d.reserve, (unsigned long long)d.ring_full,
                 (unsigned long long)d.rate_limited);
        out += line;
    }
    if (s.pids_with_drops > 3)
        out += "; " + std::to_string(s.pids_with_drops - 3) + " more processes";
    return out;
}

capture::capture(const capture_options& opts, bounded_queue<event>& out)
    : opts_(opts), out_(out), clock_(clock_offset::measure()) {}

capture::~capture() {
    stop();
    // A command never released (start failed half-way) exits on its own.
}

// What the kernel and the host must offer before anything is loaded.
status capture::check_host(const capture_options& opts, std::vector<std::string>& notes) {
    if (auto s = bpf::check_privileges(); !s) return s;
    if (auto s = bpf::check_btf(); !s) return s;
    auto tracefs = bpf::ensure_tracefs();
    if (!tracefs) return error{tracefs.message()};
    if (!tracefs->empty()) notes.push_back(*tracefs);
    bpf::set_libbpf_verbosity(opts.verbose);
    if (opts.target.pid && !process_exists(opts.target.pid))
        return error{"--pid " + std::to_string(opts.target.pid) + ": no such process"};
    return ok_status();
}

bpf::probe_config capture::probe_config_of(const capture_options& opts) {
    bpf::probe_config cfg = opts.probes;
    cfg.trace_all = opts.target.trace_all();
    cfg.comm = opts.target.comm;
    cfg.self_tgid = uint32_t(getpid());
    cfg.wake_on_exec = opts.tls;
    return cfg;
}

// Seeds the tracked tree before attaching, so nothing of the target is missed. A
// `-- CMD` is spawned held here.
result<std::vector<int32_t>> capture::seed_tree() {
    const targeting& t = opts_.target;
    std::vector<int32_t> seeds;
    if (!t.command.empty()) {
        auto cmd = held_command::spawn(t.command, t.command_user);
        if (!cmd) return error{cmd.message()};
        command_.emplace(std::move(*cmd));
        seeds.push_back(command_->pid());
    } else if (t.pid) {
        seeds = process_tree(t.pid);
    } else if (!t.comm.empty()) {
        seeds = processes_named(t.comm);
    }
    for (int32_t pid : seeds)
        if (auto s = process_->track(uint32_t(pid)); !s) return error{s.message()};
    return seeds;
}

// The TLS and plaintext programs share the process program's tracked tree and drop map.
status capture::load_stream_probes(const bpf::probe_config& cfg, std::vector<std::string>& notes) {
    if (opts_.tls) {
        auto tls = bpf::tls_probe::load(cfg, process_->tracked_fd(), process_->pid_drops_fd());
        if (!tls) return error{tls.message()};
        tls_ = std::move(*tls);
    }
    if (opts_.plaintext) {
        auto plain =
            bpf::plain_probe::load(cfg, process_->tracked_fd(), process_->pid_drops_fd(), notes);
        if (!plain) return error{plain.message()};
        plain_ = std::move(*plain);
        if (auto s = plain_->attach(); !s) return s;
        plain_reassembler_ =
            std::make_unique<tls_reassembler>([this](tls_event e) { push(std::move(e)); });
    }
    return ok_status();
}

void capture::start_tls_attacher() {
    if (!tls_) return;
    attacher_ = std::make_unique<tls_attacher>(
        *tls_, tls::discovery_options{opts_.discovery_cache_dir},
        [this](int32_t pid, const std::string& path, const std::string& reason) {
            push(tls_skipped_event(pid, path, reason));
        });
    reassembler_ = std::make_unique<tls_reassembler>([this](tls_event e) { push(std::move(e)); });
}

// One reader drains every ring, on the capture thread.
status capture::open_rings() {
    auto on_ring = [](void* ctx, void* data, size_t size) {
        return static_cast<capture*>(ctx)->on_record(data, size);
    };
    ring_.reset(ring_buffer__new(process_->ring_fd(), on_ring, this, nullptr));
    if (!ring_) return error{"create ring buffer reader: " + bpf::errno_message(errno)};
    if (tls_ && ring_buffer__add(ring_.get(), tls_->ring_fd(), on_ring, this) != 0)
        return error{"add tls ring buffer: " + bpf::errno_message(errno)};
    if (plain_ && ring_buffer__add(ring_.get(), plain_->ring_fd(), on_ring, this) != 0)
        return error{"add plaintext ring buffer: " + bpf::errno_message(errno)};
    return ok_status();
}

// Already-running targets: attach TLS probes to what they have mapped now, and to
// what the command will exec, so its first TLS call is seen too.
void capture::attach_running(const std::vector<int32_t>& seeds, bool trace_all) {
    if (!attacher_) return;
    if (trace_all) {
        for (int32_t pid : process_tree(1))
            if (pid != getpid()) attacher_->on_exec(pid);
    } else {
        for (int32_t pid : seeds) attacher_->attach_now(pid);
    }
    if (command_) {
        const char* path = std::getenv("PATH");
        for (const auto& file : command_programs(opts_.target.command, path ? path : ""))
            attacher_->attach_program_now(command_->pid(), file);
    }
}

result<std::unique_ptr<capture>> capture::start(const capture_options& opts,
                                                bounded_queue<event>& out,
                                                std::vector<std::string>& notes) {
    if (auto s = check_host(opts, notes); !s) return error{s.message()};
    std::unique_ptr<capture> c(new capture(opts, out));
    bpf::probe_config cfg = probe_config_of(opts);
    auto proc = bpf::process_probe::load(cfg, notes);
    if (!proc) return error{proc.message()};
    c->process_ = std::move(*proc);
    auto seeds = c->seed_tree();
    if (!seeds) return error{seeds.message()};
    if (auto s = c->load_stream_probes(cfg, notes); !s) return error{s.message()};
    if (auto s = c->process_->attach(); !s) return error{s.message()};
    // Everything that needs more than attaching uprobes and reading is done, and no
    // thread exists yet: capabilities are per thread, so every later one inherits these.
    if (opts.restrict_privileges)
        if (auto s = opts.restrict_privileges(); !s) return error{s.message()};
    c->start_tls_attacher();
    if (auto s = c->open_rings(); !s) return error{s.message()};
    c->attach_running(*seeds, cfg.trace_all);
    c->thread_ = std::thread([raw = c.get()] { raw->poll_loop(); });
    if (c->command_) c->command_->release();
    return c;
}

void capture::poll_loop() {
    auto emit = [this](process_event e) { push(std::move(e)); };
    auto last_flush = std::chrono::steady_clock::now();
    while (!stop_) {
        // Most records are written without a wake-up (see bpf/lib/common.bpf.h):
        // poll briefly, then drain whatever arrived silently.
        int n = ring_buffer__poll(ring_.get(), 20);
        if (n < 0 && n != -EINTR) break;
        ring_buffer__consume(ring_.get());
        if (auto now = std::chrono::steady_clock::now();
            now - last_flush > std::chrono::seconds(1)) {
            opens_.flush_all(emit);
            opens_aggregated_ = opens_.absorbed();
            last_flush = now;
        }
        // A call whose last chunk was lost would wait forever: close it.
        if (reassembler_) reassembler_->flush_older_than(now_epoch_ns(), 2'000'000'000);
        if (plain_reassembler_) plain_reassembler_->flush_older_than(now_epoch_ns(), 2'000'000'000);
    }
    ring_buffer__consume(ring_.get());  // what the kernel produced before we stopped
    if (reassembler_) reassembler_->flush_all();
    if (plain_reassembler_) plain_reassembler_->flush_all();
    opens_.flush_all(emit);
    opens_aggregated_ = opens_.absorbed();
}

void capture::push(event e) {
    out_.try_push(std::move(e));
}

int capture::on_record(const void* data, size_t size) {
    records_++;
    auto rec = decode_record({static_cast<const uint8_t*>(data), size}, clock_);
    if (!rec) {
        decode_errors_++;
        return 0;
    }
    std::visit(
        [this](auto& r) {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, process_event>) {
                if (r.type == process_event_type::touch_recorder && r.delivered &&
                    r.target == "analysis") {
                    std::lock_guard lock(signal_mu_);
                    analysis_signal_ =
                        recorder_signal{r.pid, printable(r.comm), r.signal, r.syscall};
                }
                if (attacher_) {
                    if (r.type == process_event_type::exec) attacher_->on_exec(r.pid);
                    if (r.type == process_event_type::fork) attacher_->on_fork(r.pid, r.child_pid);
                    if (r.type == process_event_type::file_open && r.ret >= 0 &&
                        tls_attacher::is_tls_library(r.path))
                        attacher_->on_library_open(r.pid, r.path);
                }
                if (r.type == process_event_type::exit && r.unreported_suppressed > 0) {
                    process_event s = r;  // what the rate limit dropped and never reported
                    s.type = process_event_type::suppressed;
                    s.count = r.unreported_suppressed;
                    s.suppressed_type = "file_or_network";
                    push(std::move(s));
                }
                if (r.type == process_event_type::exit)
                    opens_.flush_pid(r.pid, [this](process_event e) { push(std::move(e)); });
                if (opens_.admit(r)) push(std::move(r));
            } else if constexpr (std::is_same_v<T, tls_chunk>) {
                if (r.transport) {
                    plain_chunks_++;
                    if (plain_reassembler_) plain_reassembler_->add(r);
                    return;
                }
                tls_chunks_++;
                if (reassembler_) reassembler_->add(r);
            } else {
                push(std::move(r));
            }
        },
        *rec);
    return 0;
}

bool capture::target_done(int& exit_status) {
    if (command_) {
        int st = command_->poll_exit();
        if (st < 0) return false;
        exit_status = st;
        return true;
    }
    if (opts_.target.pid) return !process_exists(opts_.target.pid);
    return false;
}

void capture::await_target(int timeout_ms) const {
    if (command_)
        command_->await_exit(timeout_ms);
    else
        std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
}

void capture::stop() {
    if (stop_.exchange(true)) return;
    if (thread_.joinable()) thread_.join();
}

capture_stats capture::stats() const {
    capture_stats s;
    s.records = records_;
    s.decode_errors = decode_errors_;
    s.queue_drops = out_.dropped();
    if (process_) s.process_drops = process_->drops();
    if (tls_) s.tls_drops = tls_->drops();
    if (reassembler_) s.tls_gap_bytes = reassembler_->lost_bytes();
    s.tls_chunks = tls_chunks_;
    if (plain_) s.plain_drops = plain_->drops();
    if (plain_reassembler_) s.plain_gap_bytes = plain_reassembler_->lost_bytes();
    s.plain_chunks = plain_chunks_;
    s.opens_aggregated = opens_aggregated_;
    if (attacher_) s.attach = attacher_->stats();
    if (process_) read_pid_drops(s);
    return s;
}

// Read at most once a second while recording (the map holds up to 4096 processes), and
// afresh once stopped, for the final counters.
void capture::read_pid_drops(capture_stats& s) const {
    std::lock_guard lock(drops_mu_);
    auto now = std::chrono::steady_clock::now();
    if (stop_ || now - drops_read_ >= std::chrono::seconds(1)) {
        drops_read_ = now;
        std::vector<pid_drop_stat> pids;
        std::map<int32_t, pid_drop_stat> trees;
        for (const auto& e : process_->pid_drops()) {
            pid_drop_stat d;
            d.pid = int32_t(e.pid);
            d.root = int32_t(e.drops.root);
            d.ring_full = e.drops.ring_full;
            d.reserve = e.drops.reserve;
            d.rate_limited = e.drops.rate_limited;
            std::memcpy(d.comm, e.drops.comm, sizeof d.comm);
            pids.push_back(d);
            pid_drop_stat& t = trees[d.root];
            t.pid = d.root;
            t.ring_full += d.ring_full;
            t.reserve += d.reserve;
            t.rate_limited += d.rate_limited;
        }
        drops_cache_.pids_with_drops = uint32_t(pids.size());
        keep_largest(pids, drops_cache_.pid_drops);
        std::vector<pid_drop_stat> tree_list;
        for (auto& [root, t] : trees) tree_list.push_back(t);
        keep_largest(tree_list, drops_cache_.tree_drops);
    }
    s.pid_drops = drops_cache_.pid_drops;
    s.tree_drops = drops_cache_.tree_drops;
    s.pids_with_drops = drops_cache_.pids_with_drops;
}

std::optional<recorder_signal> capture::last_signal_to_analysis() const {
    std::lock_guard lock(signal_mu_);
    return analysis_signal_;
}

std::vector<std::string> capture::take_notes() {
    return attacher_ ? attacher_->take_notes() : std::vector<std::string>{};
}

}  // namespace agentsight
