// SPDX-License-Identifier: Apache-2.0
// Issue 19 agent matrix: `record -- env -i … claude` lost Claude Code 2.1.337's first request,
// because its Bun binary was searched only after the exec. The files the command will run are
// found before it is released: through `env`, PATH, symlinks and `#!` lines.
#include "sources/command_program.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace agentsight {
namespace {

namespace fs = std::filesystem;

class command_program : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/agentsight-cmdprog-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        fs::create_directories(dir_ + "/bin");
        fs::create_directories(dir_ + "/pkg");
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string make(const std::string& rel, const std::string& text) {
        std::string p = dir_ + "/" + rel;
        std::ofstream(p) << text;
        chmod(p.c_str(), 0755);
        return fs::canonical(p).string();
    }
    std::string dir_;
};

TEST_F(command_program, a_name_is_looked_up_in_path_and_its_symlink_resolved) {
    std::string agent = make("pkg/agent.exe",
                             "\x7f"
                             "ELF");
    fs::create_symlink(agent, dir_ + "/bin/agent");
    EXPECT_EQ(command_programs({"agent", "-p", "hi"}, "/nonexistent:" + dir_ + "/bin"),
              std::vector<std::string>{agent});
}

TEST_F(command_program, env_is_looked_through_with_the_path_it_sets) {
    std::string agent = make("pkg/agent",
                             "\x7f"
                             "ELF");
    EXPECT_EQ(command_programs(
                  {"env", "-i", "PATH=" + dir_ + "/pkg", "HOME=/h", "-u", "X", "agent", "-p", "hi"},
                  "/usr/bin"),
              std::vector<std::string>{agent});
    EXPECT_EQ(command_programs({"/usr/bin/env", "A=1", agent}, ""),
              std::vector<std::string>{agent});
    // An option env has that we do not follow: nothing, the exec-time scan covers it.
    EXPECT_TRUE(command_programs({"env", "-S", "agent x"}, dir_ + "/pkg").empty());
}

TEST_F(command_program, a_script_gives_its_interpreter) {
    std::string node = make("bin/node",
                            "\x7f"
                            "ELF");
    std::string cli = make("pkg/cli.js", "#!/usr/bin/env node\nconsole.log(1)\n");
    fs::create_symlink(cli, dir_ + "/bin/claude");
    EXPECT_EQ(command_programs({"claude"}, dir_ + "/bin"), std::vector<std::string>{node});
    std::string direct = make("pkg/tool", "#!" + node + " --flag\n");
    EXPECT_EQ(command_programs({direct}, ""), std::vector<std::string>{node});
    // Nothing that is not ELF: a script's interpreter that is itself a script, a text file.
    std::string wrapper = make("pkg/wrapper", "#!" + direct + "\n");
    EXPECT_TRUE(command_programs({wrapper}, "").empty());
}

TEST_F(command_program, what_cannot_be_found_is_left_out) {
    EXPECT_TRUE(command_programs({"no-such-agent-here"}, dir_ + "/bin").empty());
    EXPECT_TRUE(command_programs({}, dir_ + "/bin").empty());
    make("pkg/plain.txt", "text");
    chmod((dir_ + "/pkg/plain.txt").c_str(), 0644);
    EXPECT_TRUE(command_programs({dir_ + "/pkg/plain.txt"}, "").empty());
}

}  // namespace
}  // namespace agentsight
