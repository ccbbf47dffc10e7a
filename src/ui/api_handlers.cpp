// SPDX-License-Identifier: Apache-2.0
#include "ui/api_handlers.h"

#include <charconv>
#include <cstdio>
#include <limits>
#include <optional>
#include <unordered_map>

#include "util/json_writer.h"

namespace agentsight::server {
namespace {

struct bad_request {
    std::string message;
};

api_reply error_reply(int status, const std::string& message) {
    return {status, json{{"error", message}}.dump()};
}

const std::string* first_param(const query_params& p, const char* key) {
    auto it = p.find(key);
    return it == p.end() || it->second.empty() ? nullptr : &it->second;
}

template <typename T>
T number_param(const query_params& p, const char* key, T fallback) {
    const std::string* s = first_param(p, key);
    if (!s) return fallback;
    T v{};
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || end != s->data() + s->size())
        throw bad_request{std::string("parameter ") + key + ": not a number: " + *s};
    return v;
}

std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// ns as a decimal string: exact in the browser, unlike a JSON number.
std::string ns_str(uint64_t ns) {
    return std::to_string(ns);
}

json node_json(const process_node& n, int64_t parent) {
    json j = {{"id", n.id},
              {"parent", parent},
              {"pid", n.pid},
              {"ppid", n.ppid},
              {"comm", n.comm},
              {"filename", n.filename},
              {"argv", n.argv},
              {"start", n.start_ns},
              {"end", n.exited ? json(n.end_ns) : json(nullptr)},
              {"exit_code", n.exit_code},
              {"signal", n.signal},
              {"execs", n.execs},
              {"files", n.files},
              {"connects", n.connects},
              {"events", n.events},
              {"llm_calls", n.llm_calls},
              {"alerts", n.alerts},
              {"alert_rules", n.alert_rules}};
    if (!n.tool_call_id.empty()) {
        j["tool_call_id"] = n.tool_call_id;
        j["tool_name"] = n.tool_name;
    }
    return j;
}

// A child seen before its parent (out-of-order trace) got no parent when it
// was created; resolve it now from the pid the parent had at that point.
std::vector<int64_t> resolve_parents(const std::vector<process_node>& nodes) {
    std::vector<int64_t> parents(nodes.size(), -1);
    std::unordered_map<int32_t, uint32_t> newest;
    std::unordered_map<uint32_t, size_t> index;
    for (size_t i = 0; i < nodes.size(); ++i) index[nodes[i].id] = i;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const process_node& n = nodes[i];
        parents[i] = n.parent;
        if (n.parent < 0)
            if (auto it = newest.find(n.ppid); it != newest.end() && n.ppid != n.pid)
                parents[i] = it->second;
        newest[n.pid] = n.id;
    }
    return parents;
}

double ms_from(uint64_t ns, uint64_t origin) {
    return ns >= origin ? double(ns - origin) / 1e6 : -double(origin - ns) / 1e6;
}

template <typename F>
api_reply guarded(F&& f) {
    try {
        return f();
    } catch (const bad_request& e) {
        return error_reply(400, e.message);
    }
}

}  // namespace

api_reply api_sessions(const event_store& store) {
    std::string out = "[";
    const auto sessions = store.sessions();
    for (size_t i = 0; i < sessions.size(); ++i) {
        const session_info& s = sessions[i];
        if (i) out += ',';
        json head = {{"index", i},
                     {"start_ns", ns_str(s.start_ns)},
                     {"end_ns", ns_str(s.end_ns)},
                     {"open", s.end_seq == 0},
                     {"events", s.events},
                     {"llm_calls", s.llm_calls}};
        std::string h = dump(head);
        h.pop_back();
        out += h + ",\"start\":" + s.start_json +
               ",\"end\":" + (s.end_json.empty() ? "null" : s.end_json) + "}";
    }
    out += ']';
    return {200, out};
}

api_reply api_events(const event_store& store, const query_params& p) {
    return guarded([&] {
        event_query q;
        q.offset = number_param<size_t>(p, "offset", 0);
        q.limit = number_param<size_t>(p, "limit", 100);
        q.since_ns = number_param<uint64_t>(p, "since", 0);
        q.until_ns = number_param<uint64_t>(p, "until", std::numeric_limits<uint64_t>::max());
        if (first_param(p, "pid")) q.pid = number_param<int32_t>(p, "pid", 0);
        if (const std::string* t = first_param(p, "q")) q.text = *t;
        auto [b, e] = p.equal_range("type");
        for (auto it = b; it != e; ++it) {
            std::string_view list = it->second;
            while (!list.empty()) {
                size_t comma = list.find(',');
                std::string_view one = list.substr(0, comma);
                if (!one.empty()) q.types.emplace_back(one);
                list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
            }
        }
        event_page page = store.query(q);
        std::string out =
            "{\"total\":" + std::to_string(page.total) + ",\"offset\":" + std::to_string(q.offset) +
            ",\"limit\":" + std::to_string(std::min(q.limit, event_store::k_max_page)) +
            ",\"last_seq\":" + std::to_string(store.last_seq()) +
            ",\"items\":" + json_array(page.items) + "}";
        return api_reply{200, std::move(out)};
    });
}

api_reply api_event(const event_store& store, uint64_t seq) {
    auto j = store.event_json(seq);
    if (!j) return error_reply(404, "no event " + std::to_string(seq));
    return {200, *j};
}

api_reply api_llm_calls(const event_store& store, const query_params& p) {
    return guarded([&] {
        const auto calls = store.llm_calls(
            number_param<uint64_t>(p, "since", 0),
            number_param<uint64_t>(p, "until", std::numeric_limits<uint64_t>::max()),
            number_param<uint64_t>(p, "after", 0));
        std::string out = "{\"items\":[";
        for (size_t i = 0; i < calls.size(); ++i) {
            const llm_call_view& c = calls[i];
            if (i) out += ',';
            out += "{\"seq\":" + std::to_string(c.seq) +
                   ",\"start_ns\":" + std::to_string(c.start_ns) +
                   ",\"end_ns\":" + std::to_string(c.end_ns) + ",\"call\":" + c.summary_json +
                   ",\"links\":[";
            for (size_t k = 0; k < c.tools.size(); ++k) {
                const linked_tool_call& l = c.tools[k];
                if (k) out += ',';
                json procs = json::array();
                for (const auto& n : l.processes) procs.push_back(node_json(n, n.parent));
                out += "{\"call_id\":" + dump(json(l.call_id)) +
                       ",\"tool_exec\":" + (l.tool_exec_json.empty() ? "null" : l.tool_exec_json) +
                       ",\"processes\":" + dump(procs) + "}";
            }
            out += "]}";
        }
        out += "]}";
        return api_reply{200, std::move(out)};
    });
}

api_reply api_process_tree(const event_store& store) {
    const auto nodes = store.process_nodes();
    const auto parents = resolve_parents(nodes);
    json arr = json::array();
    for (size_t i = 0; i < nodes.size(); ++i) arr.push_back(node_json(nodes[i], parents[i]));
    return {200, dump(json{{"nodes", std::move(arr)}})};
}

namespace {

json timeline_llm_calls(const event_store& store, uint64_t after, uint64_t origin) {
    json llm = json::array();
    for (const auto& c : store.llm_calls(0, std::numeric_limits<uint64_t>::max(), after)) {
        json ids = json::array();
        for (const auto& l : c.tools) ids.push_back(l.call_id);
        llm.push_back({{"seq", c.seq},
                       {"t0", ms_from(c.start_ns, origin)},
                       {"t1", ms_from(c.end_ns, origin)},
                       {"label", c.label},
                       {"tools", std::move(ids)}});
    }
    return llm;
}

json timeline_tool_execs(const event_store& store, uint64_t after, uint64_t origin) {
    json tools = json::array();
    for (const auto& t : store.tool_execs(after))
        tools.push_back({{"seq", t.seq},
                         {"t0", ms_from(t.start_ns, origin)},
                         {"t1", ms_from(t.end_ns, origin)},
                         {"id", t.call_id},
                         {"name", t.tool_name},
                         {"pids", t.pids},
                         {"exit_code", t.exit_code}});
    return tools;
}

json timeline_processes(const event_store& store, uint64_t after, uint64_t origin) {
    json procs = json::array();
    for (const auto& n : store.process_nodes(after)) {
        std::string label = n.argv.empty() ? n.comm : n.argv[0];
        for (size_t i = 1; i < n.argv.size() && label.size() < 120; ++i) label += " " + n.argv[i];
        procs.push_back({{"id", n.id},
                         {"pid", n.pid},
                         {"ppid", n.ppid},
                         {"t0", ms_from(n.start_ns, origin)},
                         {"t1", n.exited ? json(ms_from(n.end_ns, origin)) : json(nullptr)},
                         {"label", label},
                         {"exit_code", n.exit_code},
                         {"alerts", n.alerts}});
    }
    return procs;
}

// The bulk of a big trace (one entry per file or network event), so
// written directly rather than through a JSON DOM.
std::string timeline_points(const event_store& store, uint64_t after, uint64_t origin) {
    std::string points = "[";
    for (const auto& pt : store.points({"file_open", "file_unlink", "file_rename", "mkdir",
                                        "connect", "bind", "listen", "accept", "alert"},
                                       after)) {
        if (points.size() > 1) points += ',';
        char t[32];
        std::snprintf(t, sizeof t, "%.3f", ms_from(pt.ts_ns, origin));
        points += '[' + std::to_string(pt.seq) + ',' + t + ',' + std::to_string(pt.pid) + ',';
        append_json_string(points, pt.type);
        points += ',';
        append_json_string(points, pt.label);
        points += ']';
    }
    points += ']';
    return points;
}

}  // namespace

api_reply api_timeline(const event_store& store, const query_params& p) {
    return guarded([&] {
        const uint64_t after = number_param<uint64_t>(p, "after", 0);
        // Read last_seq first: whatever arrives meanwhile is sent again next
        // time, and the client drops the duplicates by seq.
        const uint64_t last = store.last_seq();
        const uint64_t origin = store.origin_ns();
        json llm = timeline_llm_calls(store, after, origin);
        json tools = timeline_tool_execs(store, after, origin);
        json procs = timeline_processes(store, after, origin);
        const std::string points = timeline_points(store, after, origin);
        json out = {{"origin_ns", ns_str(origin)},
                    {"last_seq", last},
                    {"llm", std::move(llm)},
                    {"tools", std::move(tools)},
                    {"procs", std::move(procs)}};
        std::string body = dump(out);
        body.pop_back();
        body += ",\"points\":" + points + "}";
        return api_reply{200, std::move(body)};
    });
}

std::string json_array(const std::vector<std::string>& objects) {
    size_t n = 2;
    for (const auto& o : objects) n += o.size() + 1;
    std::string out;
    out.reserve(n);
    out += '[';
    for (size_t i = 0; i < objects.size(); ++i) {
        if (i) out += ',';
        out += objects[i];
    }
    out += ']';
    return out;
}

api_reply api_stats(const event_store& store) {
    const store_stats s = store.stats();
    json types = json::object();
    for (const auto& [name, n] : s.types) types[name] = n;
    json out = {{"events", s.events},
                {"last_seq", s.last_seq},
                {"origin_ns", ns_str(store.origin_ns())},
                {"first_ns", ns_str(s.first_ns)},
                {"last_ns", ns_str(s.last_ns)},
                {"types", std::move(types)},
                {"processes", s.processes},
                {"sessions", s.sessions},
                {"llm_calls", s.llm_calls},
                {"llm_errors", s.llm_errors},
                {"tokens",
                 {{"input", s.input_tokens},
                  {"output", s.output_tokens},
                  {"cache_read", s.cache_read_tokens},
                  {"cache_creation", s.cache_creation_tokens}}},
                {"tool_execs", s.tool_execs},
                {"alerts", s.alerts},
                {"bytes", s.bytes}};
    return {200, dump(out)};
}

}  // namespace agentsight::server
