// SPDX-License-Identifier: Apache-2.0
// The UI's files, compiled into the binary: requests are answered from this
// table only, never from the filesystem, so no path can escape it.
#pragma once

#include <span>
#include <string_view>

namespace agentsight::server {

struct web_asset {
    std::string_view path;  // "/index.html"
    std::string_view content_type;
    std::string_view body;
};

// Defined in the source cmake/web.cmake generates from web/.
std::span<const web_asset> embedded_web_assets();

// Exact match on the decoded request path; "/" means "/index.html".
const web_asset* find_web_asset(std::string_view path);

}  // namespace agentsight::server
