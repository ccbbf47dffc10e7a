// SPDX-License-Identifier: Apache-2.0
#include "ui/ui_server_gate.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace agentsight::server {
namespace {

using clock = std::chrono::steady_clock;

// Connections accepted per wake-up, so a connect flood cannot starve reads.
constexpr int k_accepts_per_round = 256;
// How long to stop accepting when no connection can be closed to make room.
constexpr std::chrono::milliseconds k_accept_pause{50};
constexpr size_t k_most_connections = 4096;
// The soft RLIMIT_NOFILE asked for: room for the most connections and the rest.
constexpr rlim_t k_wanted_fds = 2 * k_most_connections;

// The cap for a process allowed `fds` descriptors: most of them, minus room
// for the trace, the store and the exporters.
size_t connections_for(rlim_t fds) {
    const size_t n = fds == RLIM_INFINITY ? k_most_connections : size_t(fds);
    const size_t reserve = std::max<size_t>(64, n / 8);
    return std::clamp<size_t>(n > reserve ? n - reserve : 0, 16, k_most_connections);
}

// Idle sockets are what a slowloris spends, so the more of them the process
// may hold, the fewer evictions a real client ever sees. Raising the soft
// limit up to the hard one needs no privilege; httplib uses poll(), never
// select(), so descriptors past 1024 are safe.
size_t default_max_connections() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return connections_for(1024);
    const rlim_t want = std::min<rlim_t>(rl.rlim_max, k_wanted_fds);
    if (rl.rlim_cur < want) {
        rlimit raised = rl;
        raised.rlim_cur = want;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
    }
    return connections_for(rl.rlim_cur);
}

enum class read_outcome { waiting, ready, closed };

}  // namespace

size_t request_header_end(const std::string& bytes, size_t from) {
    from = from > 3 ? from - 3 : 0;
    size_t at = bytes.find("\r\n\r\n", from);
    return at == std::string::npos ? 0 : at + 4;
}

struct connection_gate::impl {
    int listen_fd;
    gate_limits limits;
    serve_fn serve;
    int wake_fd = -1;
    bool started = false;
    std::atomic<bool> stopping{false};
    std::atomic<size_t> open{0};  // every accepted connection not yet closed
    std::thread loop_thread;
    std::vector<std::thread> workers;
    std::vector<gate_connection> waiting;  // the loop thread's, until it is joined
    clock::time_point accept_paused_until{};

    std::mutex m;
    std::condition_variable work;
    std::deque<gate_connection> ready;
    std::vector<gate_connection> returned;  // kept alive by a worker, to wait again
    std::set<int> in_flight;                // being served; stop() shuts them down

    void run();
    void work_loop();
    void wake();
    read_outcome read_some(gate_connection& c);
    void accept_new(clock::time_point now);
    bool evict_one();
    void close_connection(gate_connection& c);
    void hand_to_worker(gate_connection c);
    int poll_timeout_ms(clock::time_point now) const;
};

void connection_gate::impl::wake() {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd, &one, sizeof one);
}

void connection_gate::impl::close_connection(gate_connection& c) {
    ::close(c.fd);
    c.fd = -1;
    open--;
}

void connection_gate::impl::hand_to_worker(gate_connection c) {
    {
        std::lock_guard lock(m);
        ready.push_back(std::move(c));
    }
    work.notify_one();
}

read_outcome connection_gate::impl::read_some(gate_connection& c) {
    char buf[4096];
    for (;;) {
        const size_t room =
            limits.max_header_bytes - std::min(limits.max_header_bytes, c.received.size());
        if (room == 0) return read_outcome::closed;  // a header that never ends
        ssize_t n = ::recv(c.fd, buf, std::min(room, sizeof buf), 0);
        if (n > 0) {
            const size_t searched = c.received.size();
            c.received.append(buf, size_t(n));
            if ((c.header_size = request_header_end(c.received, searched)) != 0)
                return read_outcome::ready;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return read_outcome::waiting;
        return read_outcome::closed;  // the peer left, or the socket failed
    }
}

// The waiting connection nearest its deadline makes room: it has had the
// longest to say something.
bool connection_gate::impl::evict_one() {
    if (waiting.empty()) return false;
    auto oldest =
        std::min_element(waiting.begin(), waiting.end(),
                         [](const auto& a, const auto& b) { return a.deadline < b.deadline; });
    close_connection(*oldest);
    *oldest = std::move(waiting.back());
    waiting.pop_back();
    return true;
}

void connection_gate::impl::accept_new(clock::time_point now) {
    for (int k = 0; k < k_accepts_per_round; ++k) {
        int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if ((errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) &&
                evict_one())
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) accept_paused_until = now + k_accept_pause;
            return;
        }
        if (open >= limits.max_connections && !evict_one()) {
            ::close(fd);  // everything open is being served: no room for more
            accept_paused_until = now + k_accept_pause;
            return;
        }
        int yes = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
        open++;
        gate_connection c;
        c.fd = fd;
        c.deadline = now + limits.header_timeout;
        waiting.push_back(std::move(c));
    }
}

int connection_gate::impl::poll_timeout_ms(clock::time_point now) const {
    auto next = now + std::chrono::seconds(1);
    for (const auto& c : waiting) next = std::min(next, c.deadline);
    if (accept_paused_until > now) next = std::min(next, accept_paused_until);
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
    return int(std::max<int64_t>(ms, 0));
}

void connection_gate::impl::run() {
    std::vector<pollfd> fds;
    while (!stopping) {
        clock::time_point now = clock::now();
        fds.clear();
        fds.push_back({wake_fd, POLLIN, 0});
        // A negative descriptor is skipped by poll(): the listener rests while paused.
        fds.push_back({accept_paused_until > now ? -1 : listen_fd, POLLIN, 0});
        for (const auto& c : waiting) fds.push_back({c.fd, POLLIN, 0});
        int n = ::poll(fds.data(), fds.size(), poll_timeout_ms(now));
        if (n < 0 && errno != EINTR) accept_paused_until = clock::now() + k_accept_pause;
        if (stopping) break;
        now = clock::now();

        // Requests that are complete go to the workers; silent ones run out of time.
        std::vector<gate_connection> still;
        still.reserve(waiting.size());
        for (size_t i = 0; i < waiting.size(); ++i) {
            gate_connection& c = waiting[i];
            read_outcome r = n > 0 && fds[2 + i].revents ? read_some(c) : read_outcome::waiting;
            if (r == read_outcome::ready)
                hand_to_worker(std::move(c));
            else if (r == read_outcome::closed || c.deadline <= now)
                close_connection(c);
            else
                still.push_back(std::move(c));
        }
        waiting.swap(still);

        if (n > 0 && (fds[0].revents & POLLIN)) {
            uint64_t count;
            [[maybe_unused]] ssize_t got = ::read(wake_fd, &count, sizeof count);
        }
        std::vector<gate_connection> back;
        {
            std::lock_guard lock(m);
            back.swap(returned);
        }
        for (auto& c : back) {
            // A pipelined request may be here already.
            if ((c.header_size = request_header_end(c.received)) != 0) {
                hand_to_worker(std::move(c));
            } else {
                c.deadline = now + limits.keep_alive_timeout;
                waiting.push_back(std::move(c));
            }
        }

        if (n > 0 && (fds[1].revents & POLLIN)) accept_new(now);
    }
}

void connection_gate::impl::work_loop() {
    for (;;) {
        gate_connection c;
        {
            std::unique_lock lock(m);
            work.wait(lock, [&] { return stopping || !ready.empty(); });
            if (stopping) return;
            c = std::move(ready.front());
            ready.pop_front();
            in_flight.insert(c.fd);
        }
        bool keep = false;
        try {
            keep = serve(c);
        } catch (...) {
            keep = false;  // a handler bug costs this connection, not the server
        }
        std::lock_guard lock(m);
        // Under the lock, so stop() never shuts down a descriptor number that
        // was closed here and already reused.
        in_flight.erase(c.fd);
        if (keep && !stopping) {
            c.received.erase(0, c.header_size);
            c.header_size = 0;
            c.requests_served++;
            returned.push_back(std::move(c));
            wake();
        } else {
            close_connection(c);
        }
    }
}

connection_gate::connection_gate(int listen_fd, gate_limits limits, serve_fn serve)
    : impl_(std::make_unique<impl>()) {
    impl_->listen_fd = listen_fd;
    impl_->limits = limits;
    impl_->serve = std::move(serve);
}

connection_gate::~connection_gate() {
    stop();
    if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);  // never started
}

status connection_gate::start() {
    impl& s = *impl_;
    if (s.started) return error{"connection gate already started"};
    if (s.limits.max_connections == 0) s.limits.max_connections = default_max_connections();
    int flags = fcntl(s.listen_fd, F_GETFL);
    if (flags < 0 || fcntl(s.listen_fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return error{std::string("UI server: listening socket: ") + std::strerror(errno)};
    // httplib listens with a backlog of 5; connections arriving in a burst
    // would see their SYNs dropped and retried a second later.
    if (::listen(s.listen_fd, SOMAXCONN) != 0)
        return error{std::string("UI server: listen: ") + std::strerror(errno)};
    s.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s.wake_fd < 0) return error{std::string("UI server: eventfd: ") + std::strerror(errno)};
    s.started = true;
    for (size_t i = 0; i < s.limits.workers; ++i) s.workers.emplace_back([&s] { s.work_loop(); });
    s.loop_thread = std::thread([&s] { s.run(); });
    return ok_status();
}

void connection_gate::stop() {
    impl& s = *impl_;
    if (!s.started || s.stopping.exchange(true)) return;
    s.wake();
    {
        // Taking the lock after setting `stopping` means no worker can be
        // between checking it and starting to wait: none misses the notify.
        std::lock_guard lock(s.m);
        for (int fd : s.in_flight) ::shutdown(fd, SHUT_RDWR);
    }
    s.work.notify_all();
    s.loop_thread.join();
    for (auto& t : s.workers) t.join();
    for (auto& c : s.waiting) s.close_connection(c);
    for (auto& c : s.ready) s.close_connection(c);
    for (auto& c : s.returned) s.close_connection(c);
    s.waiting.clear();
    s.ready.clear();
    s.returned.clear();
    ::close(s.listen_fd);
    ::close(s.wake_fd);
    s.listen_fd = s.wake_fd = -1;
}

size_t connection_gate::max_connections() const {
    return impl_->limits.max_connections;
}

}  // namespace agentsight::server
