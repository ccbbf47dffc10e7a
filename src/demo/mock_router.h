// SPDX-License-Identifier: Apache-2.0
// Decides what the mock answers: which provider a path belongs to, whether a request is a main
// agent turn (consumes the next script step) or a side request, and what probes get.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "demo/mock_providers.h"
#include "demo/mock_types.h"

namespace agentsight::demo {

class mock_router {
  public:
    explicit mock_router(mock_llm_options opts);

    // Thread-safe: connections call it concurrently.
    mock_reply route(const mock_request& req);

    size_t llm_requests() const;           // LLM calls answered, main and auxiliary
    size_t script_steps_consumed() const;  // main turns only
    const mock_llm_options& options() const { return opts_; }

  private:
    mock_turn next_turn(const nlohmann::json& body, std::string model, bool stream);
    mock_reply anthropic(const mock_request& req, std::string_view path);
    mock_reply openai(const mock_request& req);
    mock_reply gemini(const mock_request& req, std::string_view path, std::string_view query);
    mock_reply ollama(const mock_request& req, std::string_view path);  // mock_ollama.cpp
    mock_reply probe(const mock_request& req, std::string_view path) const;

    mock_llm_options opts_;
    bool drives_agent_;  // the script has a tool call: see is_auxiliary in the .cpp
    mutable std::mutex mu_;
    size_t next_step_ = 0;
    size_t consumed_ = 0;
    uint64_t replies_ = 0;
};

// A JSON error body in the provider's style (all three accept an {"error": {...}} shape).
mock_reply error_reply(int status, std::string_view message);

}  // namespace agentsight::demo
