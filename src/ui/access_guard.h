// SPDX-License-Identifier: Apache-2.0
// Who may talk to the UI server. Two checks on every request, in this order:
//  1. Host must name this server (127.0.0.1, localhost or [::1] with our port,
//     or the --bind address). A DNS-rebinding page reaches us under its own
//     name, so it is refused with 403 before anything else is looked at.
//  2. The access token (query `token=`, an `Authorization: Bearer` header or
//     the per-port cookie) must match, else 401. Any local process or page
//     can connect to a loopback port; only the token proves the user sent it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace agentsight::server {

// 128 random bits from getrandom(2), as 32 lowercase hex digits.
result<std::string> make_access_token();

// A token given by the user must be URL- and cookie-safe and not guessable.
status check_token_format(std::string_view token);

bool is_loopback_address(std::string_view bind);
// Empty for a loopback bind; otherwise what the user must know before
// exposing captured prompts on the network.
std::string non_loopback_warning(std::string_view bind);

class access_guard {
  public:
    access_guard(std::string bind, uint16_t port, std::string token);

    bool host_allowed(std::string_view host_header) const;
    // Constant-time comparison, so response timing does not reveal a prefix.
    bool token_matches(std::string_view presented) const;

    // Cookies are shared by every port of a host, so the name carries ours:
    // two servers on one machine must not overwrite each other's token.
    std::string cookie_name() const;
    std::string set_cookie_value() const;
    std::optional<std::string> cookie_token(std::string_view cookie_header) const;

  private:
    std::string bind_;
    uint16_t port_;
    std::string token_;
};

}  // namespace agentsight::server
