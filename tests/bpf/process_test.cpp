// SPDX-License-Identifier: Apache-2.0
// `agentsight process` on real workloads: exec/fork/exit, files, network,
// tree filtering, targeting errors.
#include <thread>

#include "harness.h"

namespace agentsight::test {
namespace {

bool has_argv(const json& exec, const std::vector<std::string>& argv) {
    return exec["argv"] == json(argv);
}

TEST(process, shell_tree_files_and_exit_codes) {
    REQUIRE_ROOT();
    const std::string dir = "/tmp/agentsight-bpf-" + std::to_string(getpid());
    auto r = run_agentsight("process -q -- sh -c 'cat /etc/hostname >/dev/null; mkdir " + dir +
                            "; mv " + dir + " " + dir + "e; rmdir " + dir + "e; exit 3'");
    EXPECT_EQ(r.exit_code, 3) << r.stderr_text;
    auto execs = of_type(r.events, "exec");
    bool sh = false, cat = false;
    for (const auto& e : execs) {
        sh = sh || (e["comm"] == "sh" && e["argv"].size() == 3 && e["argv"][0] == "sh");
        cat = cat || has_argv(e, {"cat", "/etc/hostname"});
    }
    EXPECT_TRUE(sh) << "exec of sh with argv";
    EXPECT_TRUE(cat) << "exec of cat with argv";
    bool opened = false;
    for (const auto& e : of_type(r.events, "file_open"))
        opened = opened || (e["path"] == "/etc/hostname" && e["ret"].get<int64_t>() >= 0);
    EXPECT_TRUE(opened) << "file_open /etc/hostname with ret >= 0";
    auto mkdirs = of_type(r.events, "mkdir");
    ASSERT_EQ(mkdirs.size(), 1u);
    EXPECT_EQ(mkdirs[0]["path"], dir);
    auto renames = of_type(r.events, "file_rename");
    ASSERT_EQ(renames.size(), 1u);
    EXPECT_EQ(renames[0]["path"], dir);
    EXPECT_EQ(renames[0]["new_path"], dir + "e");
    std::vector<int> codes;
    for (const auto& e : of_type(r.events, "exit")) codes.push_back(e["exit_code"]);
    EXPECT_NE(std::find(codes.begin(), codes.end(), 3), codes.end());
    EXPECT_NE(std::find(codes.begin(), codes.end(), 0), codes.end());
    EXPECT_FALSE(of_type(r.events, "fork").empty());
}

TEST(process, connect_shows_address_and_port) {
    REQUIRE_ROOT();
    auto r = run_agentsight(
        "process -q -- python3 -c \"import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); "
        "s.listen(); c=socket.create_connection(s.getsockname())\"");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    bool found = false;
    for (const auto& e : of_type(r.events, "connect"))
        found = found || (e["family"] == "inet" && e["addr"] == "127.0.0.1" && e["port"] > 0 &&
                          e["ret"] == 0);
    EXPECT_TRUE(found);
    EXPECT_FALSE(of_type(r.events, "listen").empty());
    EXPECT_FALSE(of_type(r.events, "bind").empty());
}

TEST(process, untracked_process_produces_nothing) {
    REQUIRE_ROOT();
    std::atomic<bool> stop{false};
    std::thread outsider([&] {
        while (!stop) shell("cat /etc/services >/dev/null");
    });
    auto r = run_agentsight("process -q -- sh -c 'sleep 0.5; cat /etc/hostname >/dev/null'");
    stop = true;
    outsider.join();
    ASSERT_EQ(r.exit_code, 0);
    for (const auto& e : r.events) EXPECT_NE(e.value("path", ""), "/etc/services") << e.dump();
    for (const auto& e : of_type(r.events, "exec"))
        EXPECT_FALSE(has_argv(e, {"cat", "/etc/services"})) << e.dump();
}

TEST(process, long_argv_kept_and_truncation_flagged) {
    REQUIRE_ROOT();
    std::string arg4k(5000, 'a'), arg10k(10000, 'b');
    auto r = run_agentsight("process -q -- sh -c '/bin/true " + arg4k + "; /bin/echo " + arg10k +
                            " >/dev/null'");
    ASSERT_EQ(r.exit_code, 0);
    bool whole = false, truncated = false;
    for (const auto& e : of_type(r.events, "exec")) {
        std::string joined = e["argv"].dump();
        if (joined.find(arg4k) != std::string::npos && !e["argv_truncated"].get<bool>())
            whole = true;
        if (e["comm"] == "echo" && e["argv_truncated"].get<bool>()) truncated = true;
    }
    EXPECT_TRUE(whole) << "a 5000-byte argv is captured whole";
    EXPECT_TRUE(truncated) << "a 10000-byte argv is flagged truncated";
}

TEST(process, pid_targeting_follows_descendants) {
    REQUIRE_ROOT();
    FILE* p = popen("sh -c 'echo $$; sleep 1; cat /etc/hostname >/dev/null'", "r");
    char buf[32] = {};
    ASSERT_NE(fgets(buf, sizeof buf, p), nullptr);
    int pid = atoi(buf);
    auto r = run_agentsight("process -q --pid " + std::to_string(pid));
    pclose(p);
    bool cat = false;
    for (const auto& e : of_type(r.events, "exec")) cat = cat || e["comm"] == "cat";
    EXPECT_TRUE(cat);
}

TEST(process, bad_input_gets_clear_errors) {
    REQUIRE_ROOT();
    auto r = run_agentsight("process --pid 999999");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.stderr_text.find("no such process"), std::string::npos) << r.stderr_text;
    r = run_agentsight("process --no-such-flag");
    EXPECT_EQ(r.exit_code, 2);
    r = run_agentsight("no-such-command");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.stderr_text.find("unknown command"), std::string::npos);
}

}  // namespace
}  // namespace agentsight::test
