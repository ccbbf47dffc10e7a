// SPDX-License-Identifier: Apache-2.0
#include "sources/tls_attacher.h"

#include <cerrno>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include "bpf/events.h"
#include "sources/targeting.h"

namespace agentsight {
namespace {

// Opening or reading one traced process's file, and searching it: past these
// the worker is abandoned and the file reported as "budget exceeded".
constexpr auto k_open_budget = std::chrono::seconds(1);
constexpr auto k_discovery_grace = std::chrono::seconds(1);  // beyond the search's own budget
// /proc/PID/maps of a process with 65530 mappings (vm.max_map_count) is ~7 MB.
constexpr size_t k_max_maps_bytes = 16u << 20;

std::chrono::steady_clock::time_point in(std::chrono::steady_clock::duration d) {
    return std::chrono::steady_clock::now() + d;
}

// Executable file mappings of a process: the paths in /proc/PID/maps.
std::set<std::string> executable_files(int32_t pid) {
    std::set<std::string> files;
    std::string text;
    int fd = ::open(("/proc/" + std::to_string(pid) + "/maps").c_str(),
                    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return files;
    char buf[65536];
    for (ssize_t n; text.size() < k_max_maps_bytes && (n = ::read(fd, buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        text.append(buf, size_t(n));
    }
    ::close(fd);
    std::istringstream maps(text);
    std::string line;
    while (std::getline(maps, line)) {
        std::istringstream in(line);
        std::string range, perms, offset, dev, inode, path;
        in >> range >> perms >> offset >> dev >> inode;
        std::getline(in >> std::ws, path);
        if (perms.size() < 3 || perms[2] != 'x' || path.empty() || path[0] != '/') continue;
        if (path.ends_with(" (deleted)")) continue;
        files.insert(path);
    }
    return files;
}

}  // namespace

tls_attacher::tls_attacher(bpf::tls_probe& probe, tls::discovery_options opts,
                           tls_skipped_fn on_skipped)
    : probe_(probe),
      opts_(std::move(opts)),
      on_skipped_(std::move(on_skipped)),
      thread_([this] { run(); }) {}

// Discovery saw BoringSSL's source-path strings yet found no functions: the
// one miss a user must hear about (a stripped agent we cannot read).
bool tls_attacher::has_unidentified_boringssl(const tls::tls_discovery_result& found) {
    return found.boringssl == tls::boringssl_search::unidentified;
}

bool tls_attacher::is_tls_library(const std::string& path) {
    return is_tls_library_file(path);  // the prefixes the BPF side wakes the reader for
}

tls_attacher::~tls_attacher() {
    {
        std::lock_guard lock(queue_mu_);
        stop_ = true;
    }
    queue_cv_.notify_all();
    worker_.cancel();  // whatever a file is doing to the worker, we do not wait for it
    thread_.join();
    detach(global_attachments_);
}

void tls_attacher::detach(std::vector<attachment>& gone) {
    std::vector<bpf::link_ptr> links;
    std::vector<std::thread> closers;
    for (auto& a : gone) {
        for (auto& l : a.links) links.push_back(std::move(l));
        for (auto& fd : a.multi) closers.emplace_back([f = std::move(fd)]() mutable { f.reset(); });
    }
    bpf::destroy_links_in_parallel(links);
    for (auto& t : closers) t.join();
    gone.clear();
}

void tls_attacher::request(request_t r) {
    {
        std::lock_guard lock(queue_mu_);
        // One pending maps scan per process covers every mapping that asked for it.
        if (r.k == kind::scan && !pending_scans_.insert(r.pid).second) return;
        if (urgent_.size() + normal_.size() >= k_max_requests) {
            if (r.k == kind::scan) pending_scans_.erase(r.pid);
            dropped_requests_++;
            return;
        }
        (r.k == kind::library ? urgent_ : normal_).push_back(std::move(r));
    }
    queue_cv_.notify_one();
}

void tls_attacher::run() {
    for (;;) {
        request_t r;
        {
            std::unique_lock lock(queue_mu_);
            queue_cv_.wait(lock, [&] { return stop_ || !urgent_.empty() || !normal_.empty(); });
            if (stop_) return;
            // A library just opened races the process's first TLS call: it goes first.
            auto& lane = urgent_.empty() ? normal_ : urgent_;
            r = std::move(lane.front());
            lane.pop_front();
            if (r.k == kind::scan) pending_scans_.erase(r.pid);
        }
        handle(r);
    }
}

void tls_attacher::handle(const request_t& r) {
    switch (r.k) {
        case kind::scan:
            scan(r.pid);
            break;
        case kind::library:
            attach_path(r.pid, r.path, /*opened_by_name=*/true);
            break;
    }
}

void tls_attacher::attach_now(int32_t pid) {
    handle({kind::scan, pid, 0, {}});
}

bool tls_attacher::attached(const file_key& key) const {
    return global_.contains(key);
}

bool tls_attacher::stopping() const {
    std::lock_guard lock(queue_mu_);
    return stop_;
}

const tls::tls_discovery_result* tls_attacher::discover(const file_key& key,
                                                        std::shared_ptr<tls::target_file> file,
                                                        const std::string& path) {
    {
        std::lock_guard lock(mu_);
        if (auto it = discovered_.find(key); it != discovered_.end()) return &it->second;
    }
    // Everything the job touches is its own: it may outlive this call.
    auto found = std::make_shared<tls::tls_discovery_result>();
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    tls::discovery_options opts = opts_;
    opts.cancel = cancel.get();
    bool done = worker_.run([found, cancel, file, path,
                             opts] { *found = tls::discover_tls_functions(*file, path, opts); },
                            in(opts_.time_budget + k_discovery_grace));
    tls::tls_discovery_result result;
    if (done) {
        result = std::move(*found);
    } else {
        cancel->store(true);
        if (stopping()) return nullptr;
        result.path = path;
        result.skipped = tls::skip::budget;
        result.evidence.push_back(path + ": search abandoned after its deadline");
    }
    std::lock_guard lock(mu_);
    stats_.files_scanned++;
    if (!result.points.empty()) stats_.files_with_tls++;
    // (A file refused for safety is reported by its tls_skipped event instead.)
    if (result.points.empty() && result.skipped.empty() && has_unidentified_boringssl(result))
        notes_.push_back(path + ": statically linked BoringSSL found but its functions were not " +
                         "identified, so this binary's TLS is not captured (" +
                         result.evidence.back() + "); see: agentsight tls --explain " + path);
    return &discovered_.emplace(key, std::move(result)).first->second;
}

void tls_attacher::skipped(int32_t pid, const std::string& file, const std::string& reason,
                           std::optional<file_key> key) {
    {
        std::lock_guard lock(mu_);
        if (key && !skipped_files_.insert(*key).second) return;
        stats_.files_skipped++;
    }
    if (on_skipped_) on_skipped_(pid, file, reason);
}

void tls_attacher::scan(int32_t pid) {
    auto files = std::make_shared<std::set<std::string>>();
    if (!worker_.run([files, pid] { *files = executable_files(pid); }, in(k_open_budget))) return;
    for (const std::string& file : *files) attach_path(pid, file, /*opened_by_name=*/false);
}

void tls_attacher::attach_path(int32_t pid, const std::string& file, bool opened_by_name) {
    if (stopping()) return;
    // Resolved inside the process's root, so containers work too; a symlink it
    // planted as the file's own name is not followed (open_target_in_root).
    const std::string path = "/proc/" + std::to_string(pid) + "/root" + file;
    auto opened = std::make_shared<tls::open_target_result>();
    if (!worker_.run([opened, pid, file] { *opened = tls::open_target_in_root(pid, file); },
                     in(k_open_budget))) {
        if (!stopping()) skipped(pid, file, tls::skip::budget, std::nullopt);
        return;
    }
    const struct stat& st = opened->file.fd() >= 0 ? opened->file.stat() : opened->st;
    file_key key{uint64_t(st.st_dev), uint64_t(st.st_ino)};
    if (!opened->skipped.empty()) {
        skipped(pid, file, opened->skipped, key);
        // A user's own libssl.so.3 may be a symlink to the real file: that
        // one shows in the maps, with its own name, once it is mapped.
        if (opened_by_name && opened->skipped == tls::skip::symlink)
            request({kind::scan, pid, 0, {}});
        return;
    }
    if (opened->file.fd() < 0) return;  // gone, or not ours to read: nothing to attach
    {
        std::lock_guard lock(mu_);
        if (attached(key)) return;
    }
    auto target = std::make_shared<tls::target_file>(std::move(opened->file));
    const tls::tls_discovery_result* found = discover(key, target, path);
    if (found == nullptr) return;
    if (!found->skipped.empty()) skipped(pid, file, found->skipped, key);
    // The descriptor, not the name: the uprobe lands on the very file searched
    // even if the process swapped the name meanwhile.
    if (!found->points.empty()) attach_file(pid, key, target->fd_path(), path, *found);
}

void tls_attacher::attach_file(int32_t pid, const file_key& key, const std::string& path,
                               const std::string& shown_path,
                               const tls::tls_discovery_result& found) {
    attachment a{key, {}, {}};
    // Attach policy: a file is attached once, for every process mapping it (pid -1), from
    // the first traced process that uses it until the session ends; the `tracked` check in
    // BPF drops calls of other processes. A per-process attachment would come after exec,
    // so a short-lived child (an agent's `curl -d @secret`) would send before it: with the
    // file attached already, its first call is captured. docs/architecture.md §3 has the
    // cost to untraced processes using the same file.
    const int target = -1;
    // A vanished process shows as ESRCH, or ENOENT for its /proc/PID/root path:
    // nothing left to trace, and not a failure.
    auto failed = [&](const error& e, uint64_t n) {
        std::lock_guard lock(mu_);
        if (e.sys_errno == ESRCH || (e.sys_errno == ENOENT && !process_exists(pid))) return true;
        stats_.attach_failures += n;
        notes_.push_back(shown_path + ": " + e.message);
        return false;
    };
    if (probe_.has_multi()) {
        std::vector<uint64_t> offsets, cookies;
        for (const auto& p : found.points) {
            offsets.push_back(p.file_offset);
            cookies.push_back(AS_COOKIE(abi_code(p.lib), abi_code(p.direction), p.ex_variant));
        }
        for (bool ret : {false, true}) {
            auto link = probe_.attach_multi(path, offsets, cookies, target, ret);
            if (!link) {
                if (failed(link.failure(), offsets.size())) return;
                continue;
            }
            a.multi.push_back(std::move(*link));
            std::lock_guard lock(mu_);
            stats_.probes_attached += offsets.size();
        }
    } else {
        for (const auto& p : found.points) {
            uint64_t cookie = AS_COOKIE(abi_code(p.lib), abi_code(p.direction), p.ex_variant);
            for (bool ret : {false, true}) {
                auto link = probe_.attach(path, p.file_offset, target, cookie, ret);
                if (!link) {
                    if (failed(link.failure(), 1)) return;
                    continue;
                }
                a.links.push_back(std::move(*link));
                std::lock_guard lock(mu_);
                stats_.probes_attached++;
            }
        }
    }
    std::lock_guard lock(mu_);
    global_.insert(key);
    global_attachments_.push_back(std::move(a));
}

tls_attacher_stats tls_attacher::stats() const {
    tls_attacher_stats s;
    {
        std::lock_guard lock(mu_);
        s = stats_;
    }
    std::lock_guard lock(queue_mu_);
    s.requests_dropped = dropped_requests_;
    return s;
}

std::vector<std::string> tls_attacher::take_notes() {
    std::lock_guard lock(mu_);
    return std::exchange(notes_, {});
}

}  // namespace agentsight
