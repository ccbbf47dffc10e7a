// SPDX-License-Identifier: Apache-2.0
#include "sources/open_aggregator.h"

namespace agentsight {

bool open_aggregator::admit(const process_event& e) {
    if (e.type != process_event_type::file_open) return true;
    // Failed opens keep their errno; successful ones differ only by fd.
    key k{e.pid, e.path, e.flags, e.ret < 0 ? e.ret : 0};
    auto [it, inserted] = seen_.try_emplace(std::move(k));
    if (inserted) return true;
    it->second.repeats++;
    it->second.last = e;
    absorbed_++;
    return false;
}

void open_aggregator::emit_entry(entry& en, const emit_fn& emit) {
    if (en.repeats == 0) return;
    process_event e = std::move(en.last);
    e.count = en.repeats;
    en.repeats = 0;
    emit(std::move(e));
}

void open_aggregator::flush_pid(int32_t pid, const emit_fn& emit) {
    auto it = seen_.lower_bound(key{pid, std::string(), INT32_MIN, INT64_MIN});
    while (it != seen_.end() && std::get<0>(it->first) == pid) {
        emit_entry(it->second, emit);
        it = seen_.erase(it);
    }
}

void open_aggregator::flush_all(const emit_fn& emit) {
    for (auto& [k, en] : seen_) emit_entry(en, emit);
}

}  // namespace agentsight
