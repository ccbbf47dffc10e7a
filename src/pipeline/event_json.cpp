// SPDX-License-Identifier: Apache-2.0
#include "pipeline/event_json.h"

#include <array>
#include <cstring>

#include "util/base64.h"
#include "util/json_get.h"
#include "util/json_writer.h"
#include "util/utf8.h"

namespace agentsight {
namespace {

// The per-type fields of a process event, in the key order docs/events.md shows.
void exec_fields(const process_event& e, json_writer& w) {
    w.field("uid", e.uid);
    w.bytes_field("filename", e.filename);
    w.begin_array("argv");
    bool all_utf8 = true;
    for (const auto& a : e.argv) {
        w.element(a);
        all_utf8 = all_utf8 && is_valid_utf8(a);
    }
    w.end_array();
    if (!all_utf8) {
        w.begin_array("argv_b64");
        for (const auto& a : e.argv) w.element(base64_encode(a));
        w.end_array();
    }
    w.field_bool("argv_truncated", e.argv_truncated);
}

void file_fields(const process_event& e, json_writer& w) {
    w.bytes_field("path", e.path);
    if (e.type == process_event_type::file_rename) w.bytes_field("new_path", e.new_path);
    if (e.type == process_event_type::file_open) w.field("flags", e.flags);
    w.field("ret", e.ret);
    if (e.type == process_event_type::file_open) w.field("count", e.count);
}

void net_fields(const process_event& e, json_writer& w) {
    // listen/accept carry no address: family stays empty there.
    w.field("family", e.family == 10  ? "inet6"
                      : e.family == 2 ? "inet"
                      : e.family == 1 ? "unix"
                                      : "");
    w.field("addr", e.addr);
    w.field("port", e.port);
    w.field("ret", e.ret);
}

void touch_fields(const process_event& e, json_writer& w) {
    w.field("syscall", e.syscall);
    w.field("signal", e.signal);
    w.field("target", e.target);
    w.field("target_pid", e.target_pid);
    w.field_bool("delivered", e.delivered);
    w.field("ret", e.ret);
    if (e.fd >= 0) w.field("fd", e.fd);
    if (e.syscall == "ptrace") w.field("ptrace_request", e.ptrace_request);
}

void type_fields(const process_event& e, json_writer& w) {
    using t = process_event_type;
    switch (e.type) {
        case t::exec:
            return exec_fields(e, w);
        case t::fork:
            return w.field("child_pid", e.child_pid);
        case t::exit:
            w.field("exit_code", e.exit_code);
            w.field("signal", e.signal);
            return w.field("duration_ns", e.duration_ns);
        case t::file_open:
        case t::file_unlink:
        case t::mkdir:
        case t::file_rename:
            return file_fields(e, w);
        case t::connect:
        case t::bind:
        case t::listen:
        case t::accept:
            return net_fields(e, w);
        case t::suppressed:
            w.field("suppressed_type", e.suppressed_type);
            return w.field("count", e.count);
        case t::bpf_call:
            return w.field("ret", e.bpf_cmd);  // the command: a documented misnomer
        case t::touch_recorder:
            return touch_fields(e, w);
        case t::tls_skipped:
            w.bytes_field("path", e.path);
            return w.field("reason", e.reason);
    }
}

void append_process(const process_event& e, std::string& out) {
    json_writer w(out);
    w.begin_object();
    w.field("type", to_string(e.type));
    w.field("ts", e.ts_ns);
    w.field("pid", e.pid);
    w.field("ppid", e.ppid);
    w.field("comm", e.comm);
    type_fields(e, w);
    if (e.path_truncated) w.field_bool("path_truncated", true);
    w.end_object();
}

void append_tls(const tls_event& e, std::string& out) {
    json_writer w(out);
    w.begin_object();
    const bool handshake = e.direction == tls_direction::handshake;
    w.field("type", handshake ? "tls_handshake" : "tls");
    w.field("ts", e.ts_ns);
    w.field("pid", e.pid);
    w.field("tid", e.tid);
    w.field("comm", e.comm);
    w.field("conn", e.conn);
    if (e.transport.empty())
        w.field("lib", to_string(e.lib));
    else
        w.field("transport", e.transport);  // a plaintext stream: no TLS library
    if (handshake) {
        w.field("latency_ns", e.latency_ns);
        w.field("ret", e.ret);
    } else {
        w.field("direction", to_string(e.direction));
        w.field("len", e.len);
        if (is_valid_utf8(e.data)) {
            w.field("data", e.data);
        } else {
            w.field("data", base64_encode(e.data));
            w.field_bool("binary", true);
        }
        w.field_bool("truncated", e.truncated > 0);
        if (e.truncated) w.field("lost_bytes", e.truncated);
    }
    w.end_object();
}

std::string str_or(const json& j, const char* key) {
    return json_get(j, key, std::string());
}

template <typename T>
T num_or(const json& j, const char* key) {
    return json_get(j, key, T{});
}

// A bytes_field: prefer the exact `<key>_b64` copy when present.
std::string bytes_or(const json& j, const char* key) {
    std::string b64 = str_or(j, (std::string(key) + "_b64").c_str());
    if (!b64.empty())
        if (auto d = base64_decode(b64)) return *d;
    return str_or(j, key);
}

constexpr std::array k_process_types = {
    process_event_type::exec,        process_event_type::fork,
    process_event_type::exit,        process_event_type::file_open,
    process_event_type::file_unlink, process_event_type::file_rename,
    process_event_type::mkdir,       process_event_type::connect,
    process_event_type::bind,        process_event_type::listen,
    process_event_type::accept,      process_event_type::suppressed,
    process_event_type::bpf_call,    process_event_type::touch_recorder,
    process_event_type::tls_skipped};

process_event parse_process(const json& j, process_event_type type) {
    process_event e;
    e.type = type;
    e.ts_ns = num_or<uint64_t>(j, "ts");
    e.pid = num_or<int32_t>(j, "pid");
    e.ppid = num_or<int32_t>(j, "ppid");
    e.uid = num_or<uint32_t>(j, "uid");
    e.comm = str_or(j, "comm");
    e.filename = bytes_or(j, "filename");
    if (auto it = j.find("argv_b64"); it != j.end() && it->is_array()) {
        for (const auto& a : *it)
            e.argv.push_back(base64_decode(a.get<std::string>()).value_or(""));
    } else if (auto it2 = j.find("argv"); it2 != j.end() && it2->is_array()) {
        for (const auto& a : *it2)
            if (a.is_string()) e.argv.push_back(a.get<std::string>());
    }
    e.argv_truncated = json_get(j, "argv_truncated", false);
    e.child_pid = num_or<int32_t>(j, "child_pid");
    e.exit_code = num_or<int32_t>(j, "exit_code");
    e.signal = num_or<int32_t>(j, "signal");
    e.duration_ns = num_or<uint64_t>(j, "duration_ns");
    e.path = bytes_or(j, "path");
    e.new_path = bytes_or(j, "new_path");
    e.path_truncated = json_get(j, "path_truncated", false);
    e.flags = num_or<int32_t>(j, "flags");
    e.ret = num_or<int64_t>(j, "ret");
    e.count = j.contains("count") ? num_or<uint32_t>(j, "count") : 1;
    std::string fam = str_or(j, "family");
    e.family = fam == "inet6" ? 10 : fam == "inet" ? 2 : fam == "unix" ? 1 : 0;
    e.addr = str_or(j, "addr");
    e.port = num_or<uint16_t>(j, "port");
    e.suppressed_type = str_or(j, "suppressed_type");
    e.reason = str_or(j, "reason");
    if (type == process_event_type::bpf_call) {
        e.bpf_cmd = num_or<int32_t>(j, "ret");
        e.ret = 0;
    }
    if (type == process_event_type::touch_recorder) {
        e.syscall = str_or(j, "syscall");
        e.ptrace_request = num_or<int32_t>(j, "ptrace_request");
        e.target = str_or(j, "target");
        e.target_pid = num_or<int32_t>(j, "target_pid");
        e.delivered = json_get(j, "delivered", false);
        e.fd = json_get(j, "fd", int32_t(-1));
    }
    return e;
}

result<event> parse_tls(const json& j, bool handshake) {
    tls_event e;
    e.ts_ns = num_or<uint64_t>(j, "ts");
    e.pid = num_or<int32_t>(j, "pid");
    e.tid = num_or<int32_t>(j, "tid");
    e.comm = str_or(j, "comm");
    e.conn = str_or(j, "conn");
    e.lib = tls_lib_from_name(str_or(j, "lib")).value_or(tls_lib::openssl);
    if (handshake) {
        e.direction = tls_direction::handshake;
        e.latency_ns = num_or<uint64_t>(j, "latency_ns");
        e.ret = num_or<int32_t>(j, "ret");
        return event(std::move(e));
    }
    e.direction = str_or(j, "direction") == "write" ? tls_direction::write : tls_direction::read;
    e.transport = str_or(j, "transport");
    e.len = num_or<uint64_t>(j, "len");
    e.data = str_or(j, "data");
    if (json_get(j, "binary", false)) {
        auto d = base64_decode(e.data);
        if (!d) return error{"field data: invalid base64"};
        e.data = std::move(*d);
    }
    e.truncated = num_or<uint64_t>(j, "lost_bytes");
    return event(std::move(e));
}

}  // namespace

void append_event_json(const event& e, std::string& out) {
    if (auto* p = std::get_if<process_event>(&e)) {
        append_process(*p, out);
    } else if (auto* t = std::get_if<tls_event>(&e)) {
        append_tls(*t, out);
    } else {
        out += std::get<derived_event>(e).body.dump(-1, ' ', false, json::error_handler_t::replace);
    }
}

std::string event_to_json(const event& e) {
    std::string s;
    append_event_json(e, s);
    return s;
}

result<event> parse_event_json(std::string_view line) {
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return error{"not a JSON object"};
    std::string type = str_or(j, "type");
    if (type.empty()) return error{"missing field \"type\""};
    if (type == "tls" || type == "tls_handshake") return parse_tls(j, type == "tls_handshake");
    for (auto t : k_process_types)
        if (type == to_string(t)) return event(parse_process(j, t));
    // Typed by the kind's declaration (pipeline/events/); the line itself is kept as it came.
    uint64_t ts = num_or<uint64_t>(j, "ts");
    return event(derived_event(std::move(type), ts, std::move(j)));
}

}  // namespace agentsight
