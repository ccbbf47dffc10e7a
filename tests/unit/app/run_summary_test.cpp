// SPDX-License-Identifier: Apache-2.0
// The exit summary (issue 19): "2 LLM calls ... tls bytes lost 0" next to calls marked
// capture_gap read as "all fine". It must say which calls are not whole and which
// connections stayed opaque, and why.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/run_counters.h"

namespace agentsight::cli {
namespace {

std::string summary_of(const std::vector<event>& derived) {
    auto counters = std::make_shared<run_counters>();
    auto sink = make_counting_sink(counters);
    for (const auto& e : derived) sink->write(e);
    char out[] = "/tmp/agentsight-summary-XXXXXX";
    int fd = mkstemp(out);
    EXPECT_GE(fd, 0);
    fflush(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd, STDERR_FILENO);
        print_summary(capture_stats{}, *counters);
        fflush(nullptr);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    close(fd);
    std::ifstream f(out);
    std::stringstream ss;
    ss << f.rdbuf();
    unlink(out);
    return ss.str();
}

event llm(bool incomplete, bool gap) {
    json b = {{"type", "llm_call"}, {"incomplete", incomplete}};
    if (gap) b["capture_gap"] = true;
    return derived_event{"llm_call", 1, b};
}

TEST(run_summary, calls_not_whole_and_opaque_connections_are_named) {
    std::string text = summary_of(
        {llm(false, false), llm(true, true), llm(false, true),
         derived_event{"alert", 2,
                       json{{"type", "alert"},
                            {"rule", "opaque_connection"},
                            {"message",
                             "connection to 1.2.3.4:443 by codex\x1b[2J: (no TLS call of "
                             "this process was seen: its TLS stack is not probed)"}}}});
    EXPECT_NE(text.find("2 of 3 LLM calls not whole: 1 incomplete"), std::string::npos) << text;
    EXPECT_NE(text.find("2 with bytes missing from the capture"), std::string::npos) << text;
    EXPECT_NE(text.find("1 connection stayed opaque"), std::string::npos) << text;
    EXPECT_NE(text.find("its TLS stack is not probed"), std::string::npos) << text;
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << "control bytes reach the terminal";
}

TEST(run_summary, a_clean_run_adds_no_warning_line) {
    std::string text = summary_of({llm(false, false)});
    EXPECT_EQ(text.find("not whole"), std::string::npos) << text;
    EXPECT_EQ(text.find("opaque"), std::string::npos) << text;
}

}  // namespace
}  // namespace agentsight::cli
