// SPDX-License-Identifier: Apache-2.0
#include "bpf_objects.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "harness.h"

namespace agentsight::test {

bpf_ids bpf_ids_of(pid_t pid) {
    bpf_ids out;
    std::error_code ec;
    const std::string dir = "/proc/" + std::to_string(pid) + "/fdinfo";
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        std::ifstream in(entry.path());
        std::string line;
        uint32_t prog = 0, link = 0;
        while (std::getline(in, line)) {
            if (line.rfind("prog_id:", 0) == 0) prog = std::stoul(line.substr(8));
            if (line.rfind("link_id:", 0) == 0) link = std::stoul(line.substr(8));
        }
        if (prog) out.progs.insert(prog);
        if (link) out.links.insert(link);
    }
    return out;
}

bpf_ids live_bpf_ids() {
    bpf_ids out;
    auto ids = [](const std::string& what, std::set<uint32_t>& into) {
        json list = json::parse(shell("bpftool -j " + what + " show 2>/dev/null"), nullptr, false);
        if (!list.is_array()) return false;
        for (const auto& o : list) into.insert(o.value("id", 0u));
        return true;
    };
    EXPECT_TRUE(ids("prog", out.progs)) << "bpftool -j prog show gave no JSON";
    EXPECT_TRUE(ids("link", out.links)) << "bpftool -j link show gave no JSON";
    return out;
}

std::string still_present(const bpf_ids& held, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        bpf_ids live = live_bpf_ids();
        std::string left;
        for (uint32_t id : held.progs)
            if (live.progs.count(id)) left += " prog " + std::to_string(id);
        for (uint32_t id : held.links)
            if (live.links.count(id)) left += " link " + std::to_string(id);
        if (left.empty() || std::chrono::steady_clock::now() > deadline) return left;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

}  // namespace agentsight::test
