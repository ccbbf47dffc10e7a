// SPDX-License-Identifier: Apache-2.0
// Plain data shared by the mock LLM server and its provider encoders.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentsight::demo {

// One scripted reply: final text, or one tool call when tool_name is set (text, if also set,
// is sent before the call, the way models narrate "I'll check that").
struct mock_script_step {
    std::string text;
    std::string tool_name;
    nlohmann::json tool_input;
};

struct mock_llm_options {
    uint16_t port = 0;                     // 0 = ephemeral
    std::vector<mock_script_step> script;  // replies to successive LLM requests; after the end,
                                           // the last text step repeats
    bool repeat_script = false;  // after the end, start over: each user turn of an interactive
                                 // agent gets the whole script (tool call, then final text)
    uint64_t input_tokens = 321, output_tokens = 45, cache_read_tokens = 0,
             cache_creation_tokens = 0;       // usage reported in every reply
    std::string model = "claude-sonnet-4-5";  // echoed when the request names none
    std::string content_encoding;             // "" | "gzip": compress response bodies
    bool plain_http = false;                  // serve http:// instead of https://
};

// A request as received. `body` is decoded: a gzip-encoded request body is stored inflated.
struct mock_request {
    std::string method, path;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

// A response before HTTP framing. A streamed reply is sent with chunked encoding, one write
// per part; the first part shares its write with the headers.
struct mock_reply {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::string> parts;
    bool stream = false;
    std::vector<std::pair<std::string, std::string>> extra_headers;
};

}  // namespace agentsight::demo
