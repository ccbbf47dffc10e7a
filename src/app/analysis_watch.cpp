// SPDX-License-Identifier: Apache-2.0
#include "app/analysis_watch.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/wait.h>

namespace agentsight::cli {
namespace {

// A stop nobody traced is reported only if it lasts: Ctrl-Z stops both processes, and `fg`
// continues them in an order we do not choose.
constexpr auto k_untraced_stop_grace = std::chrono::seconds(1);
// How long a signal's BPF record may trail its effect (records are read every 20 ms).
constexpr auto k_record_wait = std::chrono::milliseconds(300);

std::string signal_name(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

bool is_stop_signal(int sig) {
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

// A stop signal sent but not yet in effect: still pending, or some threads already stopped
// while the group stop waits for the others. waitid() reports neither. Only the kernel's
// signal-mask lines and thread states are read; the process's own name is not.
bool stop_in_progress(pid_t pid) {
    constexpr uint64_t stop_mask = (1ull << (SIGSTOP - 1)) | (1ull << (SIGTSTP - 1)) |
                                   (1ull << (SIGTTIN - 1)) | (1ull << (SIGTTOU - 1));
    const std::string dir = "/proc/" + std::to_string(pid);
    std::ifstream status(dir + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("SigPnd:", 0) == 0 || line.rfind("ShdPnd:", 0) == 0)
            if (std::strtoull(line.c_str() + 7, nullptr, 16) & stop_mask) return true;
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator(dir + "/task", ec)) {
        std::ifstream stat(task.path() / "stat");
        std::string text((std::istreambuf_iterator<char>(stat)), {});
        auto close = text.rfind(')');  // the state follows the last ')': comm may hold any byte
        if (close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'T')
            return true;
    }
    return false;
}

std::string sender_of(const capture& cap, int sig, bool wait) {
    auto deadline = std::chrono::steady_clock::now() + k_record_wait;
    for (;;) {
        auto s = cap.last_signal_to_analysis();
        if (s && s->signal == sig)
            return "pid " + std::to_string(s->sender_pid) + " (" + s->sender_comm + ", " +
                   s->syscall + ")";
        if (!wait || std::chrono::steady_clock::now() >= deadline)
            return "a process outside the traced tree";
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace

analysis_watch::~analysis_watch() {
    stop_resuming();
}

std::optional<std::string> analysis_watch::check(const capture& cap) {
    siginfo_t info{};
    if (::waitid(P_PID, id_t(pid_), &info, WEXITED | WSTOPPED | WNOHANG | WNOWAIT) != 0 ||
        info.si_pid == 0) {
        stopped_since_.reset();
        return std::nullopt;
    }
    const int sig = info.si_status;
    if (info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED)
        return "analysis process killed by signal " + signal_name(sig) + " from " +
               sender_of(cap, sig, true) + "; the recording is incomplete";
    if (info.si_code != CLD_STOPPED) return std::nullopt;  // an exit: it said why itself
    auto now = std::chrono::steady_clock::now();
    if (!stopped_since_) stopped_since_ = now;
    auto traced = cap.last_signal_to_analysis();
    const bool by_traced = traced && traced->signal == sig;
    if (!by_traced && now - *stopped_since_ < k_untraced_stop_grace) return std::nullopt;
    return "analysis process stopped by signal " + signal_name(sig) + " from " +
           sender_of(cap, sig, false) + "; the recording is stopped";
}

std::optional<std::string> analysis_watch::settle(const capture& cap) {
    auto deadline = std::chrono::steady_clock::now() + k_untraced_stop_grace + k_record_wait;
    for (;;) {
        if (auto story = check(cap)) return story;
        if (!(stopped_since_ || stop_in_progress(pid_)) ||
            std::chrono::steady_clock::now() >= deadline)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Not stopped now, yet a traced process stopped it: the stop is still pending (the target
    // exited right after sending it), or it was undone between two checks. Either way the
    // agent reached for the recorder, and the resumer keeps it from taking hold.
    auto traced = cap.last_signal_to_analysis();
    if (!traced || !is_stop_signal(traced->signal)) return std::nullopt;
    return "analysis process stopped by signal " + signal_name(traced->signal) + " from " +
           sender_of(cap, traced->signal, false) + "; the recording is stopped";
}

void analysis_watch::start_resuming() {
    if (resuming_.exchange(true)) return;
    resumer_ = std::thread([this] {
        while (resuming_) {
            ::kill(pid_, SIGCONT);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
}

bool analysis_watch::await_exit(std::optional<std::chrono::milliseconds> limit) {
    auto start = std::chrono::steady_clock::now();
    for (;;) {
        siginfo_t info{};
        if (::waitid(P_PID, id_t(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return true;
        if (info.si_pid != 0) return true;
        if (limit && std::chrono::steady_clock::now() - start >= *limit) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void analysis_watch::stop_resuming() {
    resuming_ = false;
    if (resumer_.joinable()) resumer_.join();
}

}  // namespace agentsight::cli
