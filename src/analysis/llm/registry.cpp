// SPDX-License-Identifier: Apache-2.0
// The provider list. Explicit on purpose: self-registering statics in a static library are
// dropped by the linker when nothing references their object file.
#include <array>

#include "analysis/llm/provider.h"

namespace agentsight::analyzers::llm {

const provider& anthropic_messages_provider();
const provider& openai_chat_provider();
const provider& openai_responses_provider();
const provider& gemini_provider();
const provider& ollama_chat_provider();
const provider& ollama_generate_provider();

const provider* find_provider(std::string_view path, std::string_view host) {
    static const std::array<const provider*, 6> all = {
        &anthropic_messages_provider(), &openai_chat_provider(),
        &openai_responses_provider(),   &gemini_provider(),
        &ollama_chat_provider(),        &ollama_generate_provider(),
    };
    for (const provider* p : all)
        if (p->matches(path, host)) return p;
    return nullptr;
}

}  // namespace agentsight::analyzers::llm
