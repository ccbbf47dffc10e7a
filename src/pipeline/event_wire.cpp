// SPDX-License-Identifier: Apache-2.0
#include "pipeline/event_wire.h"

#include <cstring>
#include <type_traits>

namespace agentsight {
namespace {

enum class tag : uint8_t { process = 1, tls = 2, derived = 3 };

class writer {
  public:
    explicit writer(std::string& out) : out_(out) {}
    template <typename T>
    requires std::is_arithmetic_v<T> || std::is_enum_v<T>
    void put(T v) {
        char b[sizeof v];
        std::memcpy(b, &v, sizeof v);
        out_.append(b, sizeof v);
    }
    void put(std::string_view s) {
        put(uint64_t(s.size()));
        out_.append(s);
    }

  private:
    std::string& out_;
};

class reader {
  public:
    explicit reader(std::string_view in) : in_(in) {}
    template <typename T>
    requires std::is_arithmetic_v<T> || std::is_enum_v<T>
    void get(T& v) {
        if (!take(sizeof v)) return;
        std::memcpy(&v, in_.data() + pos_ - sizeof v, sizeof v);
    }
    void get(bool& v) {
        uint8_t b = 0;
        get(b);
        if (b > 1) ok_ = false;  // one encoding per value: what decodes re-encodes the same
        v = b != 0;
    }
    void get(std::string& s) {
        uint64_t n = 0;
        get(n);
        if (!take(n)) return;
        s.assign(in_.data() + pos_ - n, n);
    }
    bool ok() const { return ok_; }
    bool at_end() const { return pos_ == in_.size(); }

  private:
    bool take(uint64_t n) {
        if (!ok_ || n > in_.size() - pos_) return ok_ = false;
        pos_ += n;
        return true;
    }
    std::string_view in_;
    size_t pos_ = 0;
    bool ok_ = true;
};

// One field list per event type, shared by both directions so they cannot drift.
template <typename IO, typename T>
requires std::is_same_v<std::remove_const_t<T>, process_event>
void fields(IO& io, T& e) {
    io(e.type, e.ts_ns, e.pid, e.ppid, e.uid, e.comm, e.filename, e.argv_truncated, e.child_pid,
       e.exit_code, e.signal, e.duration_ns, e.path, e.new_path, e.path_truncated, e.flags, e.ret,
       e.count, e.family, e.addr, e.port, e.suppressed_type, e.reason, e.bpf_cmd, e.syscall,
       e.ptrace_request, e.target, e.target_pid, e.delivered, e.fd);
}

template <typename IO, typename T>
requires std::is_same_v<std::remove_const_t<T>, tls_event>
void fields(IO& io, T& e) {
    io(e.ts_ns, e.pid, e.tid, e.comm, e.conn, e.lib, e.direction, e.len, e.data, e.truncated,
       e.latency_ns, e.ret, e.transport);
}

struct put_all {
    writer& w;
    template <typename... F>
    void operator()(const F&... f) {
        (w.put(f), ...);
    }
};

struct get_all {
    reader& r;
    template <typename... F>
    void operator()(F&... f) {
        (r.get(f), ...);
    }
};

}  // namespace

void append_event_wire(const event& e, std::string& out) {
    writer w(out);
    put_all put{w};
    if (const auto* p = std::get_if<process_event>(&e)) {
        w.put(tag::process);
        fields(put, *p);
        w.put(uint64_t(p->argv.size()));
        for (const auto& a : p->argv) w.put(a);
    } else if (const auto* t = std::get_if<tls_event>(&e)) {
        w.put(tag::tls);
        fields(put, *t);
    } else {
        const auto& d = std::get<derived_event>(e);
        w.put(tag::derived);
        w.put(d.type);
        w.put(d.ts_ns);
        // As in event_json: a string that is not UTF-8 (a command line or path
        // with a raw 0x9b) becomes U+FFFD rather than aborting the recorder.
        w.put(d.body.dump(-1, ' ', false, json::error_handler_t::replace));
    }
}

result<event> parse_event_wire(std::string_view bytes) {
    reader r(bytes);
    get_all get{r};
    tag t{};
    r.get(t);
    event out;
    if (t == tag::process) {
        process_event p;
        fields(get, p);
        if (p.type > process_event_type::tls_skipped)
            return error{"event wire: unknown process event type"};
        uint64_t n = 0;
        r.get(n);
        // Each argument costs at least its 8-byte length: a bound that holds before allocating.
        if (n > bytes.size() / 8) return error{"event wire: bad argv count"};
        p.argv.resize(n);
        for (auto& a : p.argv) r.get(a);
        out = std::move(p);
    } else if (t == tag::tls) {
        tls_event e;
        fields(get, e);
        if (!tls_lib_from_abi(abi_code(e.lib)) || !tls_direction_from_abi(abi_code(e.direction)))
            return error{"event wire: unknown TLS library or direction"};
        out = std::move(e);
    } else if (t == tag::derived) {
        std::string type, body;
        uint64_t ts = 0;
        r.get(type);
        r.get(ts);
        r.get(body);
        if (!r.ok()) return error{"event wire: truncated derived event"};
        json j = json::parse(body, nullptr, false);
        if (j.is_discarded()) return error{"event wire: derived event body is not JSON"};
        out = derived_event(std::move(type), ts, std::move(j));
    } else {
        return error{"event wire: unknown event tag " + std::to_string(int(t))};
    }
    if (!r.ok()) return error{"event wire: truncated or malformed event"};
    if (!r.at_end()) return error{"event wire: trailing bytes after event"};
    return out;
}

}  // namespace agentsight
