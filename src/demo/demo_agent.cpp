// SPDX-License-Identifier: Apache-2.0
#include "demo/demo_agent.h"

#include <cstdio>
#include <iostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "demo/https_client.h"
#include "demo/shell_command.h"
#include "demo/sse_lines.h"

namespace agentsight::demo {
namespace {

using nlohmann::json;

constexpr int max_turns = 8;  // a runaway script must not loop forever

const char* system_prompt =
    "You are a small demo agent. Answer the user's question about this machine. Use the bash "
    "tool to inspect the system, then answer in one or two sentences.";

json bash_tool() {
    return {{"name", "bash"},
            {"description", "Run a shell command and return its output."},
            {"input_schema",
             {{"type", "object"},
              {"properties",
               {{"command", {{"type", "string"}, {"description", "The command to run"}}}}},
              {"required", json::array({"command"})}}}};
}

struct assistant_turn {
    json content = json::array();  // blocks, as the API expects them echoed back
    std::string stop_reason;
    std::string text;
};

// Folds the stream's events back into content blocks: text deltas append, tool input arrives
// as partial JSON to concatenate and parse at content_block_stop.
assistant_turn assemble(const std::string& sse_body) {
    assistant_turn turn;
    std::vector<std::string> partial_inputs;
    for (const auto& ev : parse_sse(sse_body)) {
        json data = json::parse(ev.data, nullptr, false);
        if (!data.is_object()) continue;
        std::string type = data.value("type", "");
        size_t index = data.value("index", size_t{0});
        if (type == "content_block_start" && index == turn.content.size()) {
            turn.content.push_back(data["content_block"]);
            partial_inputs.emplace_back();
        } else if (type == "content_block_delta" && index < turn.content.size()) {
            const json& delta = data["delta"];
            if (delta.value("type", "") == "text_delta")
                turn.content[index]["text"] =
                    turn.content[index].value("text", "") + delta.value("text", "");
            if (delta.value("type", "") == "input_json_delta")
                partial_inputs[index] += delta.value("partial_json", "");
        } else if (type == "content_block_stop" && index < turn.content.size()) {
            if (turn.content[index].value("type", "") == "tool_use" &&
                !partial_inputs[index].empty()) {
                json input = json::parse(partial_inputs[index], nullptr, false);
                // The API rejects a tool_use echoed back without an object input.
                turn.content[index]["input"] = input.is_object() ? input : json::object();
            }
        } else if (type == "message_delta") {
            turn.stop_reason = data["delta"].value("stop_reason", "");
        } else if (type == "error") {
            throw std::runtime_error("the model reported an error: " + ev.data);
        }
    }
    for (const auto& block : turn.content)
        if (block.value("type", "") == "text") turn.text += block.value("text", "");
    return turn;
}

json run_tools(const assistant_turn& turn) {
    json results = json::array();
    for (const auto& block : turn.content) {
        if (block.value("type", "") != "tool_use") continue;
        const json& input = block["input"];
        std::string command = input.is_object() ? input.value("command", "") : "";
        shell_result r = command.empty() ? shell_result{1, "error: no command given", false}
                                         : run_shell_command(command);
        std::cerr << "$ " << command << "\n";
        results.push_back({{"type", "tool_result"},
                           {"tool_use_id", block.value("id", "")},
                           {"content", r.output},
                           {"is_error", r.exit_code != 0}});
    }
    return results;
}

int converse(const demo_agent_options& opts, https_client& client) {
    json messages = json::array({{{"role", "user"}, {"content", opts.prompt}}});
    header_list headers = {{"content-type", "application/json"},
                           {"accept", "text/event-stream"},
                           {"x-api-key", opts.api_key},
                           {"anthropic-version", "2023-06-01"},
                           {"user-agent", "agentsight-demo-agent/0.1"}};
    for (int i = 0; i < max_turns; ++i) {
        json request = {{"model", opts.model},     {"max_tokens", 1024},
                        {"system", system_prompt}, {"tools", json::array({bash_tool()})},
                        {"messages", messages},    {"stream", true}};
        http_response res = client.post("/v1/messages", headers, request.dump());
        if (res.status != 200) {
            std::cerr << "demo agent: the model endpoint answered " << res.status << ": "
                      << res.body << "\n";
            return 1;
        }
        assistant_turn turn = assemble(res.body);
        messages.push_back({{"role", "assistant"}, {"content", turn.content}});
        if (turn.stop_reason != "tool_use") {
            std::cout << turn.text << std::endl;
            return 0;
        }
        messages.push_back({{"role", "user"}, {"content", run_tools(turn)}});
    }
    std::cerr << "demo agent: gave up after " << max_turns << " turns without an answer\n";
    return 1;
}

}  // namespace

int run_demo_agent(const demo_agent_options& opts) {
    auto url = parse_https_url(opts.base_url);
    if (!url) {
        std::cerr << "demo agent: base URL must look like https://HOST:PORT, got '" << opts.base_url
                  << "'\n";
        return 1;
    }
    sigpipe_guard no_sigpipe;  // a server that hangs up must not kill the caller
    try {
        https_client client(*url);
        return converse(opts, client);
    } catch (const std::exception& e) {
        std::cerr << "demo agent: " << opts.base_url << ": " << e.what() << "\n";
        return 1;
    }
}

std::vector<mock_script_step> demo_script() {
    return {
        {"I'll read /etc/os-release to find out.", "bash", {{"command", "cat /etc/os-release"}}},
        {"This machine runs Linux: the distribution's name and version are in the "
         "/etc/os-release output above (PRETTY_NAME).",
         "", nullptr}};
}

}  // namespace agentsight::demo
