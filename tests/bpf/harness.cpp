// SPDX-License-Identifier: Apache-2.0
#include "harness.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

namespace agentsight::test {

std::string shell(const std::string& cmd) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    std::array<char, 65536> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    pclose(p);
    return out;
}

run_result run_agentsight(const std::string& args) {
    run_result r;
    char tmpl[] = "/tmp/agentsight-test-XXXXXX";
    int fd = mkstemp(tmpl);
    close(fd);
    std::string cmd = std::string(AGENTSIGHT_BIN) + " " + args + " 2>" + tmpl;
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    std::array<char, 65536> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    int st = pclose(p);
    r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        json j = json::parse(line, nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line.substr(0, 200);
        if (!j.is_discarded()) r.events.push_back(std::move(j));
    }
    std::ifstream err(tmpl);
    r.stderr_text.assign(std::istreambuf_iterator<char>(err), {});
    unlink(tmpl);
    return r;
}

std::vector<json> of_type(const std::vector<json>& events, const std::string& type) {
    std::vector<json> out;
    for (const auto& e : events)
        if (e.value("type", "") == type) out.push_back(e);
    return out;
}

}  // namespace agentsight::test
