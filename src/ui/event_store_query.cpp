// SPDX-License-Identifier: Apache-2.0
// event_store::query: answering an event_query (types, pid, time range, text, page)
// from the store's indexes.
#include <algorithm>
#include <iterator>
#include <mutex>

#include "ui/event_digest.h"
#include "ui/event_store.h"

namespace agentsight::server {

bool event_store::matches_locked(const stored_event& s, const event_query& q,
                                 const std::vector<bool>& type_ok, bool pid_checked,
                                 const std::string& needle) const {
    if (!type_ok.empty() && !type_ok[s.type_id]) return false;
    if (q.pid && !pid_checked && s.pid != *q.pid) return false;
    return needle.empty() || s.search_text.find(needle) != std::string::npos;
}

// The type ids asked for, as a filter and as their indexes; false when no type asked for is known.
bool event_store::select_types_locked(const std::vector<std::string>& types,
                                      std::vector<bool>& type_ok,
                                      std::vector<const std::vector<uint32_t>*>& type_lists) const {
    type_ok.assign(type_names_.size(), false);
    for (const auto& t : types) {
        auto it = type_ids_.find(t);
        if (it == type_ids_.end() || type_ok[it->second]) continue;
        type_ok[it->second] = true;
        type_lists.push_back(&by_type_[it->second]);
    }
    return !type_lists.empty();
}

// The union of several per-type indexes, still ordered by (ts, id).
std::vector<uint32_t> event_store::merge_by_time_locked(
    const std::vector<const std::vector<uint32_t>*>& lists) const {
    auto by_ts = [&](uint32_t a, uint32_t b) {
        return events_[a].ts_ns != events_[b].ts_ns ? events_[a].ts_ns < events_[b].ts_ns : a < b;
    };
    std::vector<uint32_t> merged;
    for (const auto* l : lists) {
        std::vector<uint32_t> out;
        out.reserve(merged.size() + l->size());
        std::merge(merged.begin(), merged.end(), l->begin(), l->end(), std::back_inserter(out),
                   by_ts);
        merged.swap(out);
    }
    return merged;
}

event_page event_store::query(const event_query& q) const {
    std::string needle = q.text;
    ascii_lower(needle);
    const size_t limit = std::min(q.limit, k_max_page);
    event_page page;

    std::shared_lock lock(mu_);
    std::vector<bool> type_ok;  // empty: any type
    std::vector<const std::vector<uint32_t>*> type_lists;
    if (!q.types.empty() && !select_types_locked(q.types, type_ok, type_lists)) return page;

    // Walk the narrowest index. The pid index also holds tool_exec/alert
    // events through their pids[], so with a pid it is always the base.
    const std::vector<uint32_t>* base = &by_time_;
    std::vector<uint32_t> merged;
    bool pid_checked = false;
    if (q.pid) {
        auto it = by_pid_.find(*q.pid);
        if (it == by_pid_.end()) return page;
        base = &it->second;
        pid_checked = true;
    } else if (type_lists.size() == 1) {
        base = type_lists[0];
        type_ok.clear();
    } else if (!type_lists.empty()) {
        merged = merge_by_time_locked(type_lists);
        base = &merged;
        type_ok.clear();
    }

    auto lo = std::lower_bound(base->begin(), base->end(), q.since_ns,
                               [&](uint32_t x, uint64_t t) { return events_[x].ts_ns < t; });
    auto hi = std::upper_bound(lo, base->end(), q.until_ns,
                               [&](uint64_t t, uint32_t x) { return t < events_[x].ts_ns; });

    if (needle.empty() && type_ok.empty()) {  // the range is the answer: no scan
        page.total = size_t(hi - lo);
        for (auto it = lo + std::min(q.offset, page.total); it != hi && page.items.size() < limit;
             ++it)
            page.items.push_back(events_[*it].json);
        return page;
    }
    for (auto it = lo; it != hi; ++it) {
        const stored_event& s = events_[*it];
        if (!matches_locked(s, q, type_ok, pid_checked, needle)) continue;
        if (page.total >= q.offset && page.items.size() < limit) page.items.push_back(s.json);
        page.total++;
    }
    return page;
}

}  // namespace agentsight::server
