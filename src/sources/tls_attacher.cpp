#include "sources/tls_attacher.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include "bpf/events.h"

namespace agentsight {
namespace {

uint8_t lib_code(tls_lib l) {
    switch (l) {
        case tls_lib::openssl: return AS_TLS_OPENSSL;
        case tls_lib::gnutls: return AS_TLS_GNUTLS;
        case tls_lib::nss: return AS_TLS_NSS;
        case tls_lib::boringssl: return AS_TLS_BORINGSSL;
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

// Where distributions put shared libraries, and the TLS libraries' names.
constexpr const char* k_lib_dirs[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                                      "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                                      "/lib/riscv64-linux-gnu", "/usr/lib/riscv64-linux-gnu",
                                      "/lib64", "/usr/lib64", "/usr/lib", "/lib"};
constexpr const char* k_tls_libs[] = {"libssl.so", "libgnutls.so", "libnspr4.so"};

std::vector<std::string> system_tls_library_paths() {
    std::vector<std::string> out;
    for (const char* dir : k_lib_dirs) {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
            const std::string name = entry.path().filename();
            for (const char* lib : k_tls_libs)
                if (name.starts_with(lib)) out.push_back(entry.path());
        }
    }
    return out;
}

}  // namespace

tls_attacher::tls_attacher(bpf::tls_probe& probe, tls::discovery_options opts, bool pid_filter)
    : probe_(probe), opts_(std::move(opts)), pid_filter_(pid_filter) {
    for (const std::string& path : system_tls_library_paths()) {
        struct stat st{};
        if (stat(path.c_str(), &st) != 0) continue;
        file_key key{uint64_t(st.st_dev), uint64_t(st.st_ino)};
        bool seen = false;
        for (auto& [k, p] : system_libs_) seen = seen || k == key;
        if (seen || discover(key, path).points.empty()) continue;
        system_libs_.emplace_back(key, path);
    }
    thread_ = std::thread([this] { run(); });
}

tls_attacher::~tls_attacher() {
    stop_ = true;
    queue_.close();
    thread_.join();
}

void tls_attacher::request(request_t r) {
    queued_++;
    if (!queue_.try_push(r)) handled_++;  // counted by the queue's drop counter
}

void tls_attacher::run() {
    while (!stop_) {
        auto r = queue_.pop(std::chrono::milliseconds(100));
        if (!r) continue;
        handle(*r);
        handled_++;
    }
}

void tls_attacher::drain() {
    while (handled_.load() < queued_.load() && !stop_)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

void tls_attacher::handle(const request_t& r) {
    switch (r.k) {
        case kind::exec:
            attach_system_libraries(r.pid);
            scan(r.pid);
            break;
        case kind::scan: scan(r.pid); break;
        case kind::exit: {
            std::lock_guard lock(mu_);
            by_pid_.erase(r.pid);  // destroys the links: uprobes detach
            break;
        }
    }
}

void tls_attacher::attach_now(int32_t pid) { handle({kind::exec, pid, 0}); }

bool tls_attacher::attached(int32_t pid, const file_key& key) const {
    if (!pid_filter_) return global_.contains(key);
    auto it = by_pid_.find(pid);
    if (it == by_pid_.end()) return false;
    for (const auto& a : it->second)
        if (a.file == key) return true;
    return false;
}

void tls_attacher::attach_system_libraries(int32_t pid) {
    for (const auto& [key, path] : system_libs_) {
        {
            std::lock_guard lock(mu_);
            if (attached(pid, key)) continue;
        }
        attach_file(pid, key, path, discover(key, path));
    }
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
    return discovered_.emplace(key, std::move(found)).first->second;
}

void tls_attacher::scan(int32_t pid) {
    const std::string root = "/proc/" + std::to_string(pid) + "/root";
    for (const std::string& file : executable_files(pid)) {
        const std::string path = root + file;  // resolves inside containers too
        struct stat st{};
        if (stat(path.c_str(), &st) != 0) continue;
        file_key key{uint64_t(st.st_dev), uint64_t(st.st_ino)};
        {
            std::lock_guard lock(mu_);
            if (attached(pid, key)) continue;
        }
        const auto& found = discover(key, path);
        if (found.points.empty()) continue;
        attach_file(pid, key, path, found);
    }
}

void tls_attacher::attach_file(int32_t pid, const file_key& key, const std::string& path,
                               const tls::tls_discovery_result& found) {
    attachment a{key, {}};
    for (const auto& p : found.points) {
        uint64_t cookie = AS_COOKIE(lib_code(p.lib), dir_code(p.direction), p.ex_variant);
        for (bool ret : {false, true}) {
            auto link = probe_.attach(path, p.file_offset, pid_filter_ ? pid : -1, cookie, ret);
            std::lock_guard lock(mu_);
            if (link) {
                a.links.push_back(std::move(*link));
                stats_.probes_attached++;
            } else if (errno == ESRCH) {
                return;  // the process already exited: nothing left to trace
            } else {
                stats_.attach_failures++;
                notes_.push_back(link.message());
            }
        }
    }
    std::lock_guard lock(mu_);
    if (pid_filter_) {
        by_pid_[pid].push_back(std::move(a));
    } else {
        global_.insert(key);
        for (auto& l : a.links) global_links_.push_back(std::move(l));
    }
}

tls_attacher_stats tls_attacher::stats() const {
    std::lock_guard lock(mu_);
    return stats_;
}

std::vector<std::string> tls_attacher::take_notes() {
    std::lock_guard lock(mu_);
    return std::exchange(notes_, {});
}

}  // namespace agentsight
