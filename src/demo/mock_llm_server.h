// SPDX-License-Identifier: Apache-2.0
// A local HTTPS (HTTP/1.1, keep-alive) server that speaks enough of the Anthropic, OpenAI and
// Gemini APIs to drive real agents through a scripted tool loop. `agentsight demo`, the e2e
// tests and the benchmarks point agents at it instead of a real provider.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "demo/mock_types.h"

namespace agentsight::demo {

class mock_llm_server {
  public:
    // Generates a fresh self-signed certificate in memory (EC P-256, CN=127.0.0.1,
    // SAN IP:127.0.0.1).
    explicit mock_llm_server(mock_llm_options opts);
    ~mock_llm_server();  // stops and joins
    mock_llm_server(const mock_llm_server&) = delete;
    mock_llm_server& operator=(const mock_llm_server&) = delete;

    // Binds 127.0.0.1:port and starts serving. Throws std::runtime_error on bind failure.
    void start();
    uint16_t port() const;
    std::string base_url() const;  // "https://127.0.0.1:PORT" ("http://" with plain_http)
    // The server certificate, for clients that would rather trust it than skip verification
    // (e.g. NODE_EXTRA_CA_CERTS, curl --cacert).
    std::string certificate_pem() const;

    // Everything received so far, in arrival order (thread-safe copy; bodies decoded).
    std::vector<mock_request> requests() const;
    size_t llm_requests() const;           // LLM calls answered, main and auxiliary
    size_t script_steps_consumed() const;  // main-loop calls (each consumed a script step)
    void stop();

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace agentsight::demo
