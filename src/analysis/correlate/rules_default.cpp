// SPDX-License-Identifier: Apache-2.0
// A compiled-in copy of data/rules.json, so the binary needs no data files. The unit test
// rules_default_matches_file fails when the two differ: edit the file, then paste it here.
#include "analysis/correlate/rules.h"

namespace agentsight::analyzers {

// size: one string literal, the copy of data/rules.json; its lines are data, not logic.
std::string_view default_rules_text() {
    static constexpr std::string_view text = R"rules({
  "_doc": [
    "agentsight alert rules (docs/correlation.md). A file given with --rules is merged over",
    "these defaults: objects under 'rules' are merged key by key, so {\"rules\":{\"tool_loop\":",
    "{\"count\":5}}} changes one number; 'path_rules' entries are appended to the defaults",
    "unless 'replace_path_rules' is true; 'housekeeping' lists are appended too. Globs: *",
    "(not /), ** (any, also /), ?, a pattern without / matches the file name, ~/ means /root/",
    "or /home/*/. Command patterns match the argv joined by blanks; there * matches anything.",
    "Per file event and path, the first path rule that matches raises the alert."
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
    "tamper": {"enabled": true, "severity": "critical"},
    "exfiltration": {"enabled": true, "severity": "critical", "sources": ["sensitive_read"],
                     "ignore_ports": [53], "ignore_addrs": ["127.0.0.1", "::1"]},
    "secret_to_model": {"enabled": true, "severity": "critical"},
    "download_execute": {"enabled": true, "severity": "critical",
                         "fetchers": ["curl", "wget", "fetch", "aria2c", "lwp-download"],
                         "interpreters": ["sh", "bash", "dash", "zsh", "ksh", "ash", "busybox",
                                          "python", "python3", "perl", "ruby", "node", "bun",
                                          "php", "source", "."]},
    "dns_exfiltration": {"enabled": true, "severity": "critical", "min_label": 40},
    "unexplained_network": {"enabled": true, "severity": "warning", "ignore_ports": [53]}
  },
  "housekeeping": {
    "writes": ["~/.claude", "~/.claude/**", "~/.claude.json*", "/tmp/claude-*", "/tmp/claude-*/**",
               "~/.gemini", "~/.gemini/**", "~/.qwen", "~/.qwen/**", "~/.local/share/opencode",
               "~/.local/share/opencode/**", "~/.codex", "~/.codex/**", "/dev/null", "/dev/tty"],
    "commands": ["git status*", "git rev-parse*", "rg --files*",
                 "git *opencode/snapshot/*", "systemd-inhibit *",
                 "git -c core.fsmonitor= -c log.showSignature=false rev-parse *",
                 "which bash", "which zsh", "sh /usr/bin/which bash",
                 "sh /usr/bin/which zsh"]
  },
  "path_rules": [
    {"rule": "persistence", "severity": "critical", "on": "write",
     "message": "write to a file that runs at login, on a schedule or grants access",
     "paths": ["~/.bashrc", "~/.bash_profile", "~/.bash_login", "~/.bash_logout", "~/.profile",
               "~/.zshrc", "~/.zprofile", "~/.zshenv", "~/.zlogin", "~/.config/fish/**",
               "~/.ssh/authorized_keys*", "~/.ssh/rc", "~/.config/autostart/**",
               "~/.config/systemd/**", "~/.local/share/systemd/**", "/etc/profile",
               "/etc/profile.d/**", "/etc/bash.bashrc", "/etc/zsh/**", "/etc/environment",
               "/etc/crontab", "/etc/cron.*/**", "/var/spool/cron/**", "/etc/systemd/**",
               "/lib/systemd/**", "/usr/lib/systemd/**", "/etc/init.d/**", "/etc/rc.local",
               "/etc/ld.so.preload", "/etc/sudoers", "/etc/sudoers.d/**", "/etc/xdg/autostart/**"]},
    {"rule": "persistence", "severity": "critical", "on": "write", "outside_workdir": true,
     "message": "write to a git hook of another repository",
     "paths": ["**/.git/hooks/*", "~/.config/git/hooks/**"]},
    {"rule": "system_write", "severity": "critical", "on": "write",
     "message": "write to a system directory",
     "paths": ["/etc/**", "/usr/**", "/bin/**", "/sbin/**", "/lib/**", "/lib64/**", "/boot/**",
               "/opt/**"],
     "except": ["/etc/ld.so.cache*", "/usr/local/share/ca-certificates/**"]},
    {"rule": "library_injection", "severity": "critical", "on": "open",
     "message": "shared library loaded from a world-writable directory (LD_PRELOAD, dlopen)",
     "paths": ["/tmp/**.so", "/tmp/**.so.*", "/var/tmp/**.so", "/var/tmp/**.so.*",
               "/dev/shm/**.so", "/dev/shm/**.so.*"],
     "except": ["/tmp/claude-*/**", "/tmp/.*.node", "/tmp/bun-*/**",
                ".????????????????-????????.so"]},
    {"rule": "tamper", "severity": "critical", "on": "write",
     "message": "write to kernel tracing or BPF control",
     "paths": ["/sys/kernel/tracing/**/enable", "/sys/kernel/debug/tracing/**/enable",
               "/sys/kernel/tracing/**/kprobe_events", "/sys/kernel/debug/tracing/**/kprobe_events",
               "/sys/kernel/tracing/**/uprobe_events", "/sys/kernel/debug/tracing/**/uprobe_events",
               "/sys/kernel/tracing/**/set_ftrace_filter",
               "/sys/kernel/debug/tracing/**/set_ftrace_filter", "/sys/fs/bpf/**"]},
    {"rule": "sensitive_read", "severity": "critical", "on": "open",
     "message": "credential file opened",
     "paths": ["~/.ssh/**", "~/.aws/**", "~/.gnupg/**", "~/.netrc", "~/.docker/config.json",
               "~/.kube/config", "~/.config/gcloud/**", "~/.git-credentials", ".env", ".env.*",
               "*.pem", "*.key", "id_rsa*", "id_ed25519*", "id_ecdsa*", "/etc/shadow", "/etc/gshadow",
               "/etc/sudoers", "~/.mozilla/**/logins.json", "~/.mozilla/**/key4.db",
               "~/.mozilla/**/cookies.sqlite", "~/.config/google-chrome/**/Login Data",
               "~/.config/google-chrome/**/Cookies", "~/.config/chromium/**/Login Data",
               "~/.config/chromium/**/Cookies", "~/.local/share/keyrings/**",
               "~/Library/Keychains/**", "~/.password-store/**", "~/.azure/**",
               "~/.config/gh/hosts.yml", "~/.npmrc", "~/.pypirc"],
     "except": ["~/.ssh/known_hosts*", "~/.ssh/config", "~/.ssh/*.pub", ".env.example",
                ".env.sample", "/etc/ssl/**", "/etc/pki/**", "/usr/share/ca-certificates/**",
                "/usr/lib/ssl/**", "*ca-bundle*", "*cacert*", "ca.pem", "*-ca.pem", "*_ca.pem",
                "ca-*.pem", "*cert.pem", "*-cert.pem", "*chain.pem", "*.crt.pem",
                "*certificates*.pem", "*.pub.pem"]}
  ]
}
)rules";
    return text;
}

}  // namespace agentsight::analyzers
