// A compiled-in copy of data/rules.json, so the binary needs no data files. The unit test
// rules_default_matches_file fails when the two differ: edit the file, then paste it here.
#include "analyzers/rules.h"

namespace agentsight::analyzers {

std::string_view default_rules_text() {
    static constexpr std::string_view text = R"rules({
  "_doc": [
    "agentsight alert rules (docs/correlation.md). A file given with --rules is merged over",
    "these defaults: objects under 'rules' are merged key by key, so {\"rules\":{\"tool_loop\":",
    "{\"count\":5}}} changes one number; 'path_rules' entries are appended to the defaults",
    "unless 'replace_path_rules' is true; 'housekeeping' lists are appended too. Globs: *",
    "(not /), ** (any, also /), ?, a pattern without / matches the file name, ~/ means /root/",
    "or /home/*/. Command patterns match the argv joined by blanks; there * matches anything."
  ],
  "tool_timeout_s": 30,
  "rules": {
    "unexplained": {"enabled": true, "severity": "warning", "grace_ms": 2000},
    "write_outside_workdir": {
      "enabled": true,
      "severity": "warning",
      "allow": ["/tmp/**", "/var/tmp/**", "/dev/**", "/proc/**", "/run/user/**",
                "~/.claude/**", "~/.claude.json*", "~/.cache/**", "~/.npm/**",
                "~/.config/**", "~/.local/**", "~/.gemini/**", "~/.codex/**", "~/.qwen/**"]
    },
    "unknown_host": {"enabled": true, "severity": "warning", "allow": [], "ignore_ports": [53]},
    "opaque_connection": {"enabled": true, "severity": "warning", "wait_s": 5,
                          "ignore_ports": [53]},
    "tool_loop": {"enabled": true, "severity": "warning", "count": 3},
    "llm_error_burst": {"enabled": true, "severity": "warning", "count": 3, "window_s": 60},
    "tamper": {"enabled": true, "severity": "critical"}
  },
  "housekeeping": {
    "writes": ["~/.claude/**", "~/.claude.json*", "/tmp/claude-*", "/tmp/claude-*/**",
               "~/.gemini/**", "~/.qwen/**", "~/.local/share/opencode/**", "~/.codex/**",
               "/dev/null", "/dev/tty"],
    "commands": ["git status*", "git rev-parse*", "rg --files*",
                 "git *opencode/snapshot/*", "systemd-inhibit *",
                 "git -c core.fsmonitor= -c log.showSignature=false rev-parse *",
                 "which bash", "which zsh", "sh /usr/bin/which bash",
                 "sh /usr/bin/which zsh"]
  },
  "path_rules": [
    {"rule": "sensitive_read", "severity": "critical", "on": "open",
     "message": "credential file opened",
     "paths": ["~/.ssh/**", "~/.aws/**", "~/.gnupg/**", "~/.netrc", "~/.docker/config.json",
               "~/.kube/config", "~/.config/gcloud/**", "~/.git-credentials", ".env", ".env.*",
               "*.pem", "id_rsa*", "id_ed25519*", "/etc/shadow", "/etc/gshadow", "/etc/sudoers"],
     "except": ["~/.ssh/known_hosts*", "~/.ssh/config", ".env.example", ".env.sample",
                "/etc/ssl/**", "/etc/pki/**", "/usr/share/ca-certificates/**",
                "/usr/lib/ssl/**", "*ca-bundle*", "*cacert*"]},
    {"rule": "tamper", "severity": "critical", "on": "write",
     "message": "write to kernel tracing or BPF control",
     "paths": ["/sys/kernel/tracing/**/enable", "/sys/kernel/debug/tracing/**/enable",
               "/sys/kernel/tracing/**/kprobe_events", "/sys/kernel/debug/tracing/**/kprobe_events",
               "/sys/kernel/tracing/**/uprobe_events", "/sys/kernel/debug/tracing/**/uprobe_events",
               "/sys/kernel/tracing/**/set_ftrace_filter",
               "/sys/kernel/debug/tracing/**/set_ftrace_filter", "/sys/fs/bpf/**"]}
  ]
}
)rules";
    return text;
}

}  // namespace agentsight::analyzers
