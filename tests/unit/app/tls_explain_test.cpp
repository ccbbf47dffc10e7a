// SPDX-License-Identifier: Apache-2.0
// `tls --explain` (issue 19): piped, the verdict comes after the evidence it points to; a
// script (Claude Code's cli.js) is answered with the interpreter to explain instead.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "app/commands.h"

namespace agentsight::cli {
namespace {

// explain_tls(path) in a child whose stdout and stderr share one file, as `2>&1 | cat` does.
std::string explain_piped(const std::string& path) {
    char out[] = "/tmp/agentsight-explain-XXXXXX";
    int fd = mkstemp(out);
    EXPECT_GE(fd, 0);
    fflush(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        _exit(explain_tls(path) == 1 ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    close(fd);
    std::ifstream f(out);
    std::stringstream ss;
    ss << f.rdbuf();
    unlink(out);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "explain_tls did not fail: " << ss.str();
    return ss.str();
}

TEST(tls_explain, a_node_script_names_its_interpreter_after_the_evidence) {
    char dir[] = "/tmp/agentsight-cli-js-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string script = std::string(dir) + "/cli.js";
    std::ofstream(script) << "#!/usr/bin/env node\nconsole.log('hi')\n";
    std::string text = explain_piped(script);
    unlink(script.c_str());
    rmdir(dir);
    const size_t evidence = text.find(script + "\n");
    const size_t verdict = text.find("agentsight: ");
    ASSERT_NE(evidence, std::string::npos) << text;
    ASSERT_NE(verdict, std::string::npos) << text;
    EXPECT_LT(evidence, verdict) << text;
    EXPECT_NE(text.find("is a script run by node"), std::string::npos) << text;
    EXPECT_NE(text.find("--explain \"$(command -v node)\""), std::string::npos) << text;
}

TEST(tls_explain, a_file_with_no_tls_prints_the_evidence_before_the_verdict) {
    // /bin/true is an ELF file without TLS: "see the evidence above" must follow it.
    std::string text = explain_piped("/bin/true");
    const size_t verdict = text.find("see the evidence above");
    ASSERT_NE(verdict, std::string::npos) << text;
    EXPECT_LT(text.find("/bin/true\n"), verdict) << text;
    EXPECT_EQ(text.find("script run by"), std::string::npos) << text;
}

}  // namespace
}  // namespace agentsight::cli
