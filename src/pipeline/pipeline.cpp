// SPDX-License-Identifier: Apache-2.0
#include "pipeline/pipeline.h"

namespace agentsight {

void pipeline::run(event e, size_t from) {
    std::vector<std::pair<event, size_t>> emitted;
    for (size_t i = from; i < stages_.size(); ++i) {
        stages_[i]->on_event(e, [&](event out) { emitted.emplace_back(std::move(out), i + 1); });
    }
    for (auto& s : sinks_) s->write(e);
    for (auto& [out, next] : emitted) run(std::move(out), next);
}

void pipeline::tick(uint64_t now_ns) {
    for (size_t i = 0; i < stages_.size(); ++i) {
        std::vector<event> emitted;
        stages_[i]->on_tick(now_ns, [&](event out) { emitted.push_back(std::move(out)); });
        for (auto& out : emitted) run(std::move(out), i + 1);
    }
}

void pipeline::flush_sinks() {
    for (auto& s : sinks_) s->flush();
}

void pipeline::finish() {
    for (size_t i = 0; i < stages_.size(); ++i) {
        std::vector<event> emitted;
        stages_[i]->finish([&](event out) { emitted.push_back(std::move(out)); });
        for (auto& out : emitted) run(std::move(out), i + 1);
    }
    for (auto& s : sinks_) s->close();
}

std::string pipeline::failure() const {
    for (const auto& s : sinks_)
        if (auto f = s->failure(); !f.empty()) return f;
    return {};
}

}  // namespace agentsight
