// SPDX-License-Identifier: Apache-2.0
#include "ui/web_assets.h"

namespace agentsight::server {

const web_asset* find_web_asset(std::string_view path) {
    if (path == "/") path = "/index.html";
    for (const auto& a : embedded_web_assets())
        if (a.path == path) return &a;
    return nullptr;
}

}  // namespace agentsight::server
