// SPDX-License-Identifier: Apache-2.0
#include "ui/sse_format.h"

namespace agentsight::server {

std::string sse_message(std::string_view name, std::string_view data, uint64_t id) {
    std::string out;
    out.reserve(data.size() + name.size() + 40);
    out += "id: " + std::to_string(id) + "\nevent: ";
    out += name;
    out += "\ndata: ";
    for (char c : data) {
        if (c == '\n') {
            out += "\ndata: ";
        } else if (c != '\r') {
            out += c;
        }
    }
    out += "\n\n";
    return out;
}

}  // namespace agentsight::server
