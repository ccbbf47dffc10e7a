// SPDX-License-Identifier: Apache-2.0
// Landlock for the analysis process, with raw syscalls and the kernel's ABI
// structures spelled out here (the distribution's <linux/landlock.h> may
// predate the network and scope fields). Everything the running kernel knows
// is handled, so what is not granted below is denied:
//  - files: the trace and its SQLite companions read and written; in the
//    trace's directory, regular files created, written and removed (and read,
//    for SQLite, which opens its companions read-write); the resolver's
//    configuration read when a socket is allowed. No reading of anything else,
//    no directories, symlinks, FIFOs, sockets or devices made;
//  - TCP: connect only to the --otlp port, bind only to the --ui port;
//  - signals and abstract unix sockets: only within this sandbox.
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "app/sandbox_policy.h"

namespace agentsight::cli {
namespace {

namespace fs_access {
constexpr uint64_t execute = 1ull << 0, write_file = 1ull << 1, read_file = 1ull << 2,
                   read_dir = 1ull << 3, remove_dir = 1ull << 4, remove_file = 1ull << 5,
                   make_char = 1ull << 6, make_dir = 1ull << 7, make_reg = 1ull << 8,
                   make_sock = 1ull << 9, make_fifo = 1ull << 10, make_block = 1ull << 11,
                   make_sym = 1ull << 12, refer = 1ull << 13, truncate = 1ull << 14,
                   ioctl_dev = 1ull << 15;
}
constexpr uint64_t k_net_bind_tcp = 1ull << 0, k_net_connect_tcp = 1ull << 1;
constexpr uint64_t k_scope_abstract_unix = 1ull << 0, k_scope_signal = 1ull << 1;
constexpr uint32_t k_rule_path_beneath = 1, k_rule_net_port = 2;
constexpr uint32_t k_create_ruleset_version = 1;

struct ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;  // ABI 4
    uint64_t scoped;              // ABI 6
};
struct __attribute__((packed)) path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
};
struct net_port_attr {
    uint64_t allowed_access;
    uint64_t port;
};

// The rights each ABI version added, so an older kernel is not handed bits it rejects.
uint64_t fs_rights_of(int abi) {
    uint64_t all = fs_access::refer - 1;  // ABI 1: execute .. make_sym
    if (abi >= 2) all |= fs_access::refer;
    if (abi >= 3) all |= fs_access::truncate;
    if (abi >= 5) all |= fs_access::ioctl_dev;
    return all;
}

constexpr uint64_t k_file_rights =
    fs_access::read_file | fs_access::write_file | fs_access::truncate;
constexpr uint64_t k_dir_rights =
    fs_access::make_reg | fs_access::remove_file | fs_access::write_file | fs_access::truncate;

// Read by getaddrinfo for --bind and --otlp names (DNS itself is not reachable:
// the seccomp filter allows TCP only).
constexpr const char* k_resolver_files[] = {"/etc/hosts", "/etc/nsswitch.conf", "/etc/host.conf",
                                            "/etc/gai.conf", "/etc/resolv.conf"};

std::string errno_text(const char* what) {
    return std::string("cannot sandbox the analysis process: ") + what + ": " + strerror(errno);
}

class ruleset {
  public:
    explicit ruleset(int fd, uint64_t handled) : fd_(fd), handled_(handled) {}
    ~ruleset() { close(fd_); }
    // A missing path is no error: there is nothing there to grant.
    status allow_path(const std::string& path, uint64_t rights) {
        int fd = open(path.c_str(), O_PATH | O_CLOEXEC);
        if (fd < 0) return ok_status();
        path_beneath_attr attr{rights & handled_, fd};
        long rc = syscall(SYS_landlock_add_rule, fd_, k_rule_path_beneath, &attr, 0);
        int saved = errno;
        close(fd);
        errno = saved;
        return rc == 0 ? ok_status() : status{error{errno_text(path.c_str())}};
    }
    status allow_port(uint64_t access, uint16_t port) {
        net_port_attr attr{access, port};
        if (syscall(SYS_landlock_add_rule, fd_, k_rule_net_port, &attr, 0) != 0)
            return error{errno_text("network rule")};
        return ok_status();
    }
    int fd() const { return fd_; }

  private:
    int fd_;
    uint64_t handled_;
};

}  // namespace

status restrict_with_landlock(const sandbox_policy& policy, std::string& note) {
    long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, k_create_ruleset_version);
    if (abi < 1) {
        note = "Landlock is not available (" + std::string(strerror(errno)) +
               "): the analysis process keeps the file access of its user";
        return ok_status();
    }
    ruleset_attr attr{fs_rights_of(int(abi)), 0, 0};
    size_t size = sizeof(uint64_t);
    if (abi >= 4) {
        attr.handled_access_net = k_net_bind_tcp | k_net_connect_tcp;
        size = 2 * sizeof(uint64_t);
    } else if (policy.sockets()) {
        note = "Landlock ABI " + std::to_string(abi) +
               " cannot limit TCP ports: the analysis process may connect to any port";
    }
    if (abi >= 6) {
        attr.scoped = k_scope_abstract_unix | k_scope_signal;
        size = sizeof attr;
    }
    int fd = int(syscall(SYS_landlock_create_ruleset, &attr, size, 0));
    if (fd < 0) return error{errno_text("create ruleset")};
    ruleset rules(fd, attr.handled_access_fs);

    // A trace that is not a regular file (-o /dev/stdout, a FIFO) is written
    // through the descriptor already open: its directory gets nothing.
    struct stat st {};
    bool special = !policy.output_path.empty() && stat(policy.output_path.c_str(), &st) == 0 &&
                   !S_ISREG(st.st_mode);
    if (!policy.output_path.empty() && !special) {
        std::filesystem::path trace = std::filesystem::absolute(policy.output_path);
        std::string dir = trace.parent_path().string();
        uint64_t rights = k_dir_rights | (policy.output_companions ? fs_access::read_file : 0);
        if (auto st = rules.allow_path(dir, rights); !st) return st;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            if (auto st = rules.allow_path(trace.string() + suffix, k_file_rights); !st) return st;
    }
    if (policy.sockets())
        for (const char* f : k_resolver_files)
            if (auto st = rules.allow_path(f, fs_access::read_file); !st) return st;
    if (abi >= 4) {
        if (policy.connect_port)
            if (auto st = rules.allow_port(k_net_connect_tcp, *policy.connect_port); !st) return st;
        if (policy.bind_port)
            if (auto st = rules.allow_port(k_net_bind_tcp, *policy.bind_port); !st) return st;
    }
    if (syscall(SYS_landlock_restrict_self, rules.fd(), 0) != 0)
        return error{errno_text("restrict_self")};
    return ok_status();
}

}  // namespace agentsight::cli
