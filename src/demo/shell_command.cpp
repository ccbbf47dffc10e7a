// SPDX-License-Identifier: Apache-2.0
#include "demo/shell_command.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace agentsight::demo {

shell_result run_shell_command(const std::string& command, size_t max_output) {
    shell_result result;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        result.output = "cannot create a pipe";
        return result;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        result.output = "cannot fork";
        return result;
    }
    if (pid == 0) {  // only async-signal-safe calls until exec: the parent may have threads
        int null_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null_in >= 0) dup2(null_in, STDIN_FILENO);
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    char buf[4096];
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        size_t room = max_output - result.output.size();
        result.output.append(buf, std::min(static_cast<size_t>(n), room));
        if (static_cast<size_t>(n) > room) result.truncated = true;  // keep draining
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status)     ? WEXITSTATUS(status)
                       : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                             : -1;
    return result;
}

}  // namespace agentsight::demo
