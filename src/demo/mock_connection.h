// SPDX-License-Identifier: Apache-2.0
// One client connection of the mock server: HTTP/1.1 requests in, framed replies out, until
// the client closes, asks to close, or sends something we cannot frame.
#pragma once

#include <functional>

#include "demo/byte_stream.h"
#include "demo/mock_router.h"
#include "demo/mock_types.h"

namespace agentsight::demo {

using request_recorder = std::function<void(mock_request)>;

void serve_connection(byte_stream& stream, mock_router& router, bool gzip_responses,
                      const request_recorder& record);

// The bytes of a reply, one string per write. A streamed reply's first write carries the
// headers and the first event together: parsers must cope with both in one TLS record.
std::vector<std::string> frame_reply(const mock_reply& reply, bool gzip, bool keep_alive);

}  // namespace agentsight::demo
