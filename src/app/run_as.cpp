// SPDX-License-Identifier: Apache-2.0
#include "app/run_as.h"

#include <charconv>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "util/invoking_user.h"

namespace agentsight::cli {
namespace {

const passwd* find_user(const std::string& name_or_uid) {
    uid_t uid = 0;
    const char* end = name_or_uid.data() + name_or_uid.size();
    auto [p, ec] = std::from_chars(name_or_uid.data(), end, uid);
    if (ec == std::errc{} && p == end) return getpwuid(uid);
    return getpwnam(name_or_uid.c_str());
}

// initgroups' list, computed here because the child may not call NSS.
command_identity identity_of(uid_t uid, gid_t gid, const passwd* pw) {
    command_identity id{uid,
                        gid,
                        {},
                        pw ? pw->pw_name : std::to_string(uid),
                        pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : "/"};
    if (pw) {
        int n = 32;
        id.groups.resize(n);
        while (getgrouplist(pw->pw_name, gid, id.groups.data(), &n) < 0) id.groups.resize(n);
        id.groups.resize(n);
    } else {
        id.groups = {gid};
    }
    return id;
}

}  // namespace

result<run_as_choice> choose_run_as(const std::string& flag) {
    if (flag.empty()) {
        auto sudo = sudo_invoker();
        if (!sudo) return run_as_choice{};
        return run_as_choice{identity_of(sudo->uid, sudo->gid, getpwuid(sudo->uid)), ""};
    }
    const passwd* pw = find_user(flag);
    if (!pw) return error{"--run-as " + flag + ": no such user"};
    if (pw->pw_uid == 0)
        return run_as_choice{std::nullopt,
                             "warning: --run-as " + flag +
                                 ": the command runs as root, with every capability; it can stop "
                                 "or kill the recorder"};
    if (geteuid() != 0) {
        if (pw->pw_uid == getuid()) return run_as_choice{};
        return error{"--run-as " + flag + ": switching users needs root"};
    }
    return run_as_choice{identity_of(pw->pw_uid, pw->pw_gid, pw), ""};
}

}  // namespace agentsight::cli
