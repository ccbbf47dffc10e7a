// SPDX-License-Identifier: Apache-2.0
#include "bpf/features.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include <bpf/libbpf.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace agentsight::bpf {
namespace {

constexpr const char* k_tracefs = "/sys/kernel/tracing";
bool g_verbose = false;

// Our callers report every failure with its context; libbpf's own lines
// (including the verifier log) are for --verbose.
int libbpf_print(enum libbpf_print_level, const char* fmt, va_list args) {
    if (!g_verbose) return 0;
    return vfprintf(stderr, fmt, args);
}

bool has_cap(const __user_cap_data_struct (&data)[2], int cap) {
    return data[cap / 32].effective & (1u << (cap % 32));
}

}  // namespace

status check_privileges() {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &hdr, data) != 0)
        return error{std::string("cannot read capabilities: ") + strerror(errno)};
    const bool bpf = has_cap(data, CAP_BPF) || has_cap(data, CAP_SYS_ADMIN);
    const bool perfmon = has_cap(data, CAP_PERFMON) || has_cap(data, CAP_SYS_ADMIN);
    if (bpf && perfmon) return ok_status();
    std::string missing = !bpf && !perfmon ? "CAP_BPF and CAP_PERFMON"
                          : !bpf           ? "CAP_BPF"
                                           : "CAP_PERFMON";
    return error{"missing " + missing +
                 ": run as root (sudo agentsight ...) or grant them: sudo setcap "
                 "cap_bpf,cap_perfmon,cap_sys_resource,cap_dac_read_search+ep $(which agentsight)"};
}

status check_btf() {
    struct stat st {};
    if (stat("/sys/kernel/btf/vmlinux", &st) == 0) return ok_status();
    return error{
        "kernel BTF not found at /sys/kernel/btf/vmlinux: agentsight needs a kernel "
        "built with CONFIG_DEBUG_INFO_BTF=y (5.8+)"};
}

result<std::string> ensure_tracefs() {
    struct stat st {};
    std::string events = std::string(k_tracefs) + "/events";
    if (stat(events.c_str(), &st) == 0) return std::string();
    if (mount("tracefs", k_tracefs, "tracefs", 0, nullptr) != 0)
        return error{std::string("tracefs is not mounted and mounting it at ") + k_tracefs +
                     " failed: " + strerror(errno) +
                     " (mount it: mount -t tracefs tracefs /sys/kernel/tracing)"};
    return std::string("mounted tracefs at ") + k_tracefs + " (syscall tracepoints need it)";
}

bool tracepoint_exists(const std::string& category, const std::string& name) {
    struct stat st {};
    std::string path = std::string(k_tracefs) + "/events/" + category + "/" + name;
    return stat(path.c_str(), &st) == 0;
}

void set_libbpf_verbosity(bool verbose) {
    g_verbose = verbose;
    libbpf_set_print(libbpf_print);
}

std::string errno_message(int err) {
    return strerror(err < 0 ? -err : err);
}

}  // namespace agentsight::bpf
