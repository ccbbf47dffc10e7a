#include "sources/tls_attacher.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include "bpf/events.h"
#include "sources/targeting.h"

namespace agentsight {
namespace {

uint8_t lib_code(tls_lib l) {
    switch (l) {
        case tls_lib::openssl:
            return AS_TLS_OPENSSL;
        case tls_lib::gnutls:
            return AS_TLS_GNUTLS;
        case tls_lib::nss:
            return AS_TLS_NSS;
        case tls_lib::boringssl:
            return AS_TLS_BORINGSSL;
    }
    return AS_TLS_OPENSSL;
}

uint8_t dir_code(tls_direction d) {
    return d == tls_direction::write       ? AS_TLS_WRITE
           : d == tls_direction::handshake ? AS_TLS_HANDSHAKE
                                           : AS_TLS_READ;
}

// Executable file mappings of a process: the paths in /proc/PID/maps.
std::set<std::string> executable_files(int32_t pid) {
    std::set<std::string> files;
    std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
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

// The same list the BPF side uses to decide which opens are urgent.
constexpr const char* k_tls_libs[] = AS_TLS_LIB_PREFIXES;

}  // namespace

tls_attacher::tls_attacher(bpf::tls_probe& probe, tls::discovery_options opts)
    : probe_(probe), opts_(std::move(opts)), thread_([this] { run(); }) {}

// Discovery saw BoringSSL's source-path strings yet found no functions: the
// one miss a user must hear about (a stripped agent we cannot read).
bool tls_attacher::has_unidentified_boringssl(const tls::tls_discovery_result& found) {
    for (const auto& line : found.evidence)
        if (line.starts_with("BoringSSL:") && line.find("no string ending") == std::string::npos)
            return true;
    return false;
}

bool tls_attacher::is_tls_library(const std::string& path) {
    auto slash = path.rfind('/');
    std::string_view name =
        std::string_view(path).substr(slash == std::string::npos ? 0 : slash + 1);
    for (const char* lib : k_tls_libs)
        if (name.starts_with(lib)) return true;
    return false;
}

tls_attacher::~tls_attacher() {
    {
        std::lock_guard lock(queue_mu_);
        stop_ = true;
    }
    queue_cv_.notify_all();
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
            attach_path(r.pid, r.path);
            break;
    }
}

void tls_attacher::attach_now(int32_t pid) {
    handle({kind::scan, pid, 0, {}});
}

bool tls_attacher::attached(const file_key& key) const {
    return global_.contains(key);
}

const tls::tls_discovery_result& tls_attacher::discover(const file_key& key,
                                                        const std::string& path) {
    {
        std::lock_guard lock(mu_);
        if (auto it = discovered_.find(key); it != discovered_.end()) return it->second;
    }
    auto found = tls::discover_tls_functions(path, opts_);
    std::lock_guard lock(mu_);
    stats_.files_scanned++;
    if (!found.points.empty()) stats_.files_with_tls++;
    if (found.points.empty() && has_unidentified_boringssl(found))
        notes_.push_back(path + ": statically linked BoringSSL found but its functions were not " +
                         "identified, so this binary's TLS is not captured (" +
                         found.evidence.back() + "); see: agentsight tls --explain " + path);
    return discovered_.emplace(key, std::move(found)).first->second;
}

void tls_attacher::scan(int32_t pid) {
    for (const std::string& file : executable_files(pid)) attach_path(pid, file);
}

void tls_attacher::attach_path(int32_t pid, const std::string& file) {
    // Resolved through the process's root, so containers work too.
    const std::string path = "/proc/" + std::to_string(pid) + "/root" + file;
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return;
    file_key key{uint64_t(st.st_dev), uint64_t(st.st_ino)};
    {
        std::lock_guard lock(mu_);
        if (attached(key)) return;
    }
    const auto& found = discover(key, path);
    if (!found.points.empty()) attach_file(pid, key, path, found);
}

void tls_attacher::attach_file(int32_t pid, const file_key& key, const std::string& path,
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
    auto failed = [&](const std::string& message, uint64_t n) {
        const int err = errno;
        std::lock_guard lock(mu_);
        if (err == ESRCH || (err == ENOENT && !process_exists(pid))) return true;
        stats_.attach_failures += n;
        notes_.push_back(message);
        return false;
    };
    if (probe_.has_multi()) {
        std::vector<uint64_t> offsets, cookies;
        for (const auto& p : found.points) {
            offsets.push_back(p.file_offset);
            cookies.push_back(AS_COOKIE(lib_code(p.lib), dir_code(p.direction), p.ex_variant));
        }
        for (bool ret : {false, true}) {
            auto link = probe_.attach_multi(path, offsets, cookies, target, ret);
            if (!link) {
                if (failed(link.message(), offsets.size())) return;
                continue;
            }
            a.multi.push_back(std::move(*link));
            std::lock_guard lock(mu_);
            stats_.probes_attached += offsets.size();
        }
    } else {
        for (const auto& p : found.points) {
            uint64_t cookie = AS_COOKIE(lib_code(p.lib), dir_code(p.direction), p.ex_variant);
            for (bool ret : {false, true}) {
                auto link = probe_.attach(path, p.file_offset, target, cookie, ret);
                if (!link) {
                    if (failed(link.message(), 1)) return;
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
