// SPDX-License-Identifier: Apache-2.0
#include "ui/event_store.h"

#include <algorithm>
#include <mutex>

#include "pipeline/event_json.h"
#include "ui/event_digest.h"

namespace agentsight::server {
namespace {

// The canonical JSON, except that a huge TLS payload keeps only a preview.
std::string render_event(const event& e) {
    const auto* t = std::get_if<tls_event>(&e);
    if (!t || t->data.size() <= event_store::k_tls_data_keep) return event_to_json(e);
    tls_event copy = *t;
    size_t cut = event_store::k_tls_data_keep;
    while (cut > 0 && (static_cast<unsigned char>(copy.data[cut]) & 0xC0) == 0x80) --cut;
    const size_t clipped = copy.data.size() - cut;
    copy.data.resize(cut);
    std::string out = event_to_json(event(std::move(copy)));
    out.pop_back();  // '}'
    out += ",\"_clipped\":" + std::to_string(clipped) + "}";
    return out;
}

std::string with_seq(const std::string& json, uint64_t seq) {
    std::string out = "{\"_seq\":" + std::to_string(seq);
    if (json.size() > 2) {
        out += ',';
        out.append(json, 1, std::string::npos);
    } else {
        out += '}';
    }
    return out;
}

uint64_t u64_at(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return 0;
    if (it->is_number_float()) return it->get<double>() > 0 ? uint64_t(it->get<double>()) : 0;
    return it->is_number_unsigned() ? it->get<uint64_t>() : uint64_t(std::max<int64_t>(0, *it));
}

double ms_at(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? std::max(0.0, it->get<double>()) : 0.0;
}

std::string str_at(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<int32_t> pids_at(const json& j) {
    std::vector<int32_t> out;
    if (auto it = j.find("pids"); it != j.end() && it->is_array())
        for (const auto& p : *it)
            if (p.is_number_integer()) out.push_back(p.get<int32_t>());
    return out;
}

// Derived fields of an llm_call, prepared outside the store's lock.
struct llm_prepared {
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;
    std::string summary_json;
    std::vector<std::string> tool_call_ids;
};

llm_prepared prepare_llm(const derived_event& e) {
    const json& b = e.body;
    llm_prepared p;
    p.start_ns = u64_at(b, "start");
    if (p.start_ns == 0) p.start_ns = e.ts_ns;
    p.end_ns = p.start_ns + uint64_t(ms_at(b, "duration_ms") * 1e6);
    json summary = json::object();
    for (auto it = b.begin(); it != b.end(); ++it) {
        if (it.key() != "request" || !it->is_object()) {
            summary[it.key()] = it.value();
            continue;
        }
        const json& req = *it;
        json r = json::object();
        auto msgs = req.find("messages");
        r["messages"] = msgs != req.end() && msgs->is_array() ? msgs->size() : 0;
        auto sys = req.find("system");
        r["system_chars"] = sys == req.end()   ? 0
                            : sys->is_string() ? sys->get_ref<const std::string&>().size()
                                               : sys->dump().size();
        json names = json::array();
        if (auto tools = req.find("tools"); tools != req.end() && tools->is_array())
            for (const auto& t : *tools)
                if (t.is_object() && t.contains("name")) names.push_back(t["name"]);
        r["tools"] = names;
        summary["request"] = std::move(r);
    }
    if (auto resp = b.find("response"); resp != b.end() && resp->is_object())
        if (auto calls = resp->find("tool_calls"); calls != resp->end() && calls->is_array())
            for (const auto& c : *calls)
                if (c.is_object()) p.tool_call_ids.push_back(str_at(c, "id"));
    p.summary_json = summary.dump(-1, ' ', false, json::error_handler_t::replace);
    return p;
}

}  // namespace

uint16_t event_store::type_id_locked(const std::string& type) {
    auto it = type_ids_.find(type);
    if (it != type_ids_.end()) return it->second;
    const auto id = static_cast<uint16_t>(type_names_.size());
    type_names_.push_back(type);
    type_ids_.emplace(type, id);
    by_type_.emplace_back();
    return id;
}

// Traces arrive almost in time order (an llm_call is emitted when it ends but
// stamped when it started), so the insert point is nearly always the end.
void event_store::index_locked(uint32_t id, const std::vector<int32_t>& extra_pids) {
    const uint64_t ts = events_[id].ts_ns;
    auto insert = [&](std::vector<uint32_t>& v) {
        if (v.empty() || events_[v.back()].ts_ns <= ts) {
            v.push_back(id);
            return;
        }
        auto pos = std::upper_bound(v.begin(), v.end(), ts,
                                    [&](uint64_t t, uint32_t x) { return t < events_[x].ts_ns; });
        v.insert(pos, id);
    };
    insert(by_time_);
    insert(by_type_[events_[id].type_id]);
    if (events_[id].pid != 0) insert(by_pid_[events_[id].pid]);
    for (int32_t p : extra_pids) insert(by_pid_[p]);
}

void event_store::on_session_locked(const derived_event& e, uint32_t id) {
    std::string key = str_at(e.body, "session_id");
    if (key.empty()) key = str_at(e.body, "id");
    if (e.type == "session_start") {
        session_info s;
        s.start_seq = id + 1;
        s.start_ns = e.ts_ns;
        s.start_json = events_[id].json;
        sessions_.push_back(std::move(s));
        session_keys_.push_back(key);
        return;
    }
    // session_end closes the open session with the same id, else the newest open one.
    for (size_t i = sessions_.size(); i-- > 0;) {
        if (sessions_[i].end_seq != 0) continue;
        if (!key.empty() && !session_keys_[i].empty() && key != session_keys_[i]) continue;
        sessions_[i].end_seq = id + 1;
        sessions_[i].end_ns = e.ts_ns;
        sessions_[i].end_json = events_[id].json;
        return;
    }
}

void event_store::on_derived_locked(const derived_event& e, uint32_t id) {
    const uint64_t seq = id + 1;
    const json& b = e.body;
    if (e.type == "tool_exec") {
        tool_record r;
        r.id = id;
        r.view.seq = seq;
        r.view.start_ns = e.ts_ns;
        r.view.end_ns = e.ts_ns + uint64_t(ms_at(b, "duration_ms") * 1e6);
        r.view.call_id = str_at(b, "call_id");
        r.view.tool_name = str_at(b, "tool_name");
        r.view.pids = pids_at(b);
        if (auto it = b.find("exit_code"); it != b.end() && it->is_number_integer())
            r.view.exit_code = it->get<int64_t>();
        tree_.on_tool_exec(r.view.call_id, r.view.tool_name, r.view.pids, seq);
        if (!r.view.call_id.empty()) tool_by_call_[r.view.call_id] = tools_.size();
        tools_.push_back(std::move(r));
        totals_.tool_execs++;
    } else if (e.type == "alert") {
        tree_.on_alert(str_at(b, "rule"), pids_at(b), seq);
        totals_.alerts++;
    } else if (e.type == "session_start" || e.type == "session_end") {
        on_session_locked(e, id);
    }
}

void event_store::add(const event& e) {
    event_digest d = digest_event(e);
    std::string body = render_event(e);
    const auto* derived = std::get_if<derived_event>(&e);
    const bool is_llm = derived && derived->type == "llm_call";
    llm_prepared llm;
    if (is_llm) llm = prepare_llm(*derived);
    {
        std::unique_lock lock(mu_);
        const auto id = static_cast<uint32_t>(events_.size());
        const uint64_t seq = id + 1;
        stored_event s;
        s.ts_ns = d.ts_ns;
        s.pid = d.pid;
        s.type_id = type_id_locked(d.type);
        s.json = with_seq(body, seq);
        s.search_text = std::move(d.search_text);
        s.label = std::move(d.label);
        totals_.bytes += s.json.size() + s.search_text.size() + s.label.size() + sizeof(s);
        if (events_.empty()) {
            origin_ns_ = d.ts_ns;
            totals_.first_ns = d.ts_ns;
        }
        totals_.first_ns = std::min(totals_.first_ns, d.ts_ns);
        totals_.last_ns = std::max(totals_.last_ns, d.ts_ns);
        events_.push_back(std::move(s));
        index_locked(id, d.extra_pids);

        if (const auto* p = std::get_if<process_event>(&e)) {
            tree_.on_process_event(*p, seq);
        } else if (is_llm) {
            const json& b = derived->body;
            const json usage = b.value("usage", json::object());
            totals_.llm_calls++;
            if (!str_at(b, "error").empty()) totals_.llm_errors++;
            totals_.input_tokens += u64_at(usage, "input_tokens");
            totals_.output_tokens += u64_at(usage, "output_tokens");
            totals_.cache_read_tokens += u64_at(usage, "cache_read_tokens");
            totals_.cache_creation_tokens += u64_at(usage, "cache_creation_tokens");
            tree_.on_llm_call(d.pid, seq);
            llm_.push_back({id, llm.start_ns, llm.end_ns, std::move(llm.summary_json),
                            std::move(llm.tool_call_ids)});
        } else if (derived) {
            on_derived_locked(*derived, id);
        }
    }
    cv_.notify_all();
}

uint64_t event_store::last_seq() const {
    std::shared_lock lock(mu_);
    return events_.size();
}

uint64_t event_store::origin_ns() const {
    std::shared_lock lock(mu_);
    return origin_ns_;
}

std::optional<std::string> event_store::event_json(uint64_t seq) const {
    std::shared_lock lock(mu_);
    if (seq == 0 || seq > events_.size()) return std::nullopt;
    return events_[seq - 1].json;
}

std::vector<std::string> event_store::events_after(uint64_t after_seq, size_t max) const {
    std::shared_lock lock(mu_);
    std::vector<std::string> out;
    for (uint64_t i = after_seq; i < events_.size() && out.size() < max; ++i)
        out.push_back(events_[i].json);
    return out;
}

size_t event_store::count_in_range_locked(const std::vector<uint32_t>& ids, uint64_t since,
                                          uint64_t until) const {
    auto lo = std::lower_bound(ids.begin(), ids.end(), since,
                               [&](uint32_t x, uint64_t t) { return events_[x].ts_ns < t; });
    auto hi = std::upper_bound(lo, ids.end(), until,
                               [&](uint64_t t, uint32_t x) { return t < events_[x].ts_ns; });
    return size_t(hi - lo);
}

std::vector<session_info> event_store::sessions() const {
    std::shared_lock lock(mu_);
    std::vector<session_info> out = sessions_;
    const auto llm_type = type_ids_.find("llm_call");
    for (auto& s : out) {
        if (s.end_seq == 0) s.end_ns = std::max(s.start_ns, totals_.last_ns);
        s.events = count_in_range_locked(by_time_, s.start_ns, s.end_ns);
        if (llm_type != type_ids_.end())
            s.llm_calls = count_in_range_locked(by_type_[llm_type->second], s.start_ns, s.end_ns);
    }
    return out;
}

linked_tool_call event_store::link_locked(const std::string& call_id) const {
    linked_tool_call l;
    l.call_id = call_id;
    auto it = tool_by_call_.find(call_id);
    if (it == tool_by_call_.end()) return l;
    const tool_record& r = tools_[it->second];
    l.tool_exec_seq = r.view.seq;
    l.tool_exec_json = events_[r.id].json;
    for (int32_t pid : r.view.pids)
        if (auto n = tree_.find(pid)) l.processes.push_back(std::move(*n));
    return l;
}

std::vector<llm_call_view> event_store::llm_calls(uint64_t since_ns, uint64_t until_ns,
                                                  uint64_t after_seq) const {
    std::shared_lock lock(mu_);
    std::vector<llm_call_view> out;
    for (const auto& r : llm_) {
        if (r.id + 1 <= after_seq || r.start_ns < since_ns || r.start_ns > until_ns) continue;
        llm_call_view v;
        v.seq = r.id + 1;
        v.start_ns = r.start_ns;
        v.end_ns = r.end_ns;
        v.label = events_[r.id].label;
        v.summary_json = r.summary_json;
        for (const auto& id : r.tool_call_ids) v.tools.push_back(link_locked(id));
        out.push_back(std::move(v));
    }
    std::stable_sort(out.begin(), out.end(), [](const llm_call_view& a, const llm_call_view& b) {
        return a.start_ns < b.start_ns;
    });
    return out;
}

std::vector<tool_exec_view> event_store::tool_execs(uint64_t after_seq) const {
    std::shared_lock lock(mu_);
    std::vector<tool_exec_view> out;
    for (const auto& r : tools_)
        if (r.view.seq > after_seq) out.push_back(r.view);
    return out;
}

std::vector<process_node> event_store::process_nodes(uint64_t after_seq) const {
    std::shared_lock lock(mu_);
    return tree_.nodes(after_seq);
}

std::vector<event_point> event_store::points(const std::vector<std::string>& types,
                                             uint64_t after_seq) const {
    std::shared_lock lock(mu_);
    std::vector<event_point> out;
    for (const auto& t : types) {
        auto it = type_ids_.find(t);
        if (it == type_ids_.end()) continue;
        for (uint32_t id : by_type_[it->second]) {
            if (id + 1 <= after_seq) continue;
            const stored_event& s = events_[id];
            out.push_back({id + 1, s.ts_ns, s.pid, t, s.label});
        }
    }
    std::sort(out.begin(), out.end(), [](const event_point& a, const event_point& b) {
        return a.ts_ns != b.ts_ns ? a.ts_ns < b.ts_ns : a.seq < b.seq;
    });
    return out;
}

store_stats event_store::stats() const {
    std::shared_lock lock(mu_);
    store_stats s = totals_;
    s.events = events_.size();
    s.last_seq = events_.size();
    s.processes = tree_.size();
    s.sessions = sessions_.size();
    for (size_t i = 0; i < type_names_.size(); ++i)
        s.types.emplace_back(type_names_[i], by_type_[i].size());
    std::sort(s.types.begin(), s.types.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    return s;
}

uint64_t event_store::wait_for_events(uint64_t after_seq, std::chrono::milliseconds timeout) const {
    std::shared_lock lock(mu_);
    const uint64_t gen = wake_gen_.load();
    cv_.wait_for(lock, timeout,
                 [&] { return events_.size() > after_seq || wake_gen_.load() != gen; });
    return events_.size();
}

void event_store::wake_all() const {
    wake_gen_.fetch_add(1);
    cv_.notify_all();
}

}  // namespace agentsight::server
