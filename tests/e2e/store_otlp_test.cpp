// SPDX-License-Identifier: Apache-2.0
// Issue 6: the SQLite trace survives `kill -9` of the recorder, a schema
// mismatch is refused with a clear message, and `record --otlp` sends one
// trace per session in the GenAI span model (checked by the OTLP receiver in
// tests/otlp against the official protobuf definitions).
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "e2e_harness.h"

namespace agentsight::test::e2e {
namespace {

namespace fs = std::filesystem;

long long query_count(const std::string& db, const std::string& sql) {
    auto r = run("sqlite3 -readonly " + sq(db) + " " + sq(sql));
    if (r.exit_code != 0) return -1;
    try {
        return std::stoll(r.out);
    } catch (...) {
        return -1;
    }
}

TEST(store_crash, kill_9_keeps_a_readable_trace_up_to_the_kill) {
    REQUIRE_E2E_ROOT();
    REQUIRE_PREREQ(have_program("sqlite3"), "sqlite3 (apt-get install -y sqlite3)");
    temp_dir dir("crash");
    const std::string db = dir / "trace.db";
    child recorder({agentsight_bin(), "record", "-q", "-o", db, "--", "sh", "-c",
                    "for i in $(seq 1 400); do cat /etc/hostname >/dev/null; sleep 0.01; done"},
                   dir / "recorder.stderr", dir.path());
    ASSERT_GT(recorder.pid(), 0);

    // Let the workload run about 2 s once it is traced (probe attach comes first).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (query_count(db, "SELECT count(*) FROM events WHERE type='exec'") < 1) {
        ASSERT_TRUE(recorder.running()) << read_file(dir / "recorder.stderr");
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no exec committed within 30 s";
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
    ASSERT_TRUE(recorder.running()) << "the recorder ended before the kill";
    const long long kill_ns = now_ns();
    recorder.signal(SIGKILL);
    int st = recorder.wait(10000);
    ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

    auto ex = run(sq(agentsight_bin()) + " export " + sq(db) + " --format jsonl -o -");
    ASSERT_EQ(ex.exit_code, 0) << "the database of a killed recorder does not open:\n" << ex.err;

    std::vector<json> events;
    for (const auto& line : lines_of(ex.out)) {
        json j = json::parse(line, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << line.substr(0, 200);
        events.push_back(std::move(j));
    }
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front()["type"], "session_start");

    // Stop the orphaned workload (its sh is the first exec after session_start).
    for (const auto& e : of_type(events, "exec"))
        if (e["comm"] == "sh") {
            kill(e["pid"].get<pid_t>(), SIGKILL);
            break;
        }

    long long last_cat = 0;
    size_t cats = 0;
    for (const auto& e : of_type(events, "exec"))
        if (e["comm"] == "cat") {
            ++cats;
            last_cat = std::max(last_cat, e["ts"].get<long long>());
        }
    EXPECT_GE(cats, 20u) << "about 2 s of a loop of cat at ~100/s";
    EXPECT_GE(last_cat, kill_ns - 1000000000LL)
        << "the last committed cat exec is " << (kill_ns - last_cat) / 1000000
        << " ms before the kill";
    EXPECT_LE(last_cat, kill_ns);
}

TEST(store_schema, other_schema_version_is_refused_with_a_clear_message) {
    REQUIRE_E2E_ROOT();
    REQUIRE_PREREQ(have_program("sqlite3"), "sqlite3 (apt-get install -y sqlite3)");
    temp_dir dir("schema");
    const std::string db = dir / "trace.db";
    auto rec = run(sq(agentsight_bin()) + " record -q -o " + sq(db) + " -- /bin/true");
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
    ASSERT_EQ(query_count(db, "PRAGMA user_version"), 1);
    auto good = run(sq(agentsight_bin()) + " export " + sq(db) + " --format jsonl -o -");
    ASSERT_EQ(good.exit_code, 0) << good.err;

    ASSERT_EQ(run("sqlite3 " + sq(db) + " 'PRAGMA user_version=99'").exit_code, 0);
    auto bad = run(sq(agentsight_bin()) + " export " + sq(db) + " --format jsonl -o -");
    EXPECT_EQ(bad.signal, 0);
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_EQ(bad.out, "") << "no events from a refused file";
    auto err = lines_of(bad.err);
    ASSERT_EQ(err.size(), 1u) << bad.err;
    EXPECT_NE(err[0].find(db), std::string::npos) << "names the file: " << err[0];
    EXPECT_NE(err[0].find("schema version 99"), std::string::npos) << err[0];
    EXPECT_NE(err[0].find("reads version 1"), std::string::npos) << err[0];
}

// --- OTLP ---------------------------------------------------------------

// An OTLP AnyValue as text ("" if absent).
std::string any_value(const json& v) {
    if (v.contains("stringValue")) return v["stringValue"].get<std::string>();
    if (v.contains("intValue")) {
        const json& i = v["intValue"];
        return i.is_string() ? i.get<std::string>() : std::to_string(i.get<long long>());
    }
    if (v.contains("boolValue")) return v["boolValue"].get<bool>() ? "true" : "false";
    if (v.contains("doubleValue")) return std::to_string(v["doubleValue"].get<double>());
    return v.dump();
}

struct span {
    json raw;
    std::string name, trace_id, span_id, parent;
    int kind = 0;
    std::map<std::string, std::string> attrs;
};

std::vector<span> spans_of(const std::vector<json>& received) {
    std::vector<span> out;
    for (const auto& r : received) {
        if (r.value("path", "") != "/v1/traces" || !r.contains("request")) continue;
        for (const auto& rs : r["request"].value("resourceSpans", json::array()))
            for (const auto& ss : rs.value("scopeSpans", json::array()))
                for (const auto& s : ss.value("spans", json::array())) {
                    span x;
                    x.raw = s;
                    x.name = s.value("name", "");
                    x.trace_id = s.value("traceId", "");
                    x.span_id = s.value("spanId", "");
                    x.parent = s.value("parentSpanId", "");
                    x.kind = s.contains("kind") ? std::stoi(s["kind"].dump()) : 0;
                    for (const auto& a : s.value("attributes", json::array()))
                        x.attrs[a["key"]] = any_value(a["value"]);
                    out.push_back(std::move(x));
                }
    }
    return out;
}

bool otlp_modules_installed() {
    return fs::exists(source_dir() + "/tests/otlp/node_modules/@opentelemetry/otlp-transformer");
}

TEST(otlp_export, claude_session_is_one_genai_trace) {
    REQUIRE_E2E_ROOT();
    REQUIRE_PREREQ(executable(claude_bin("2.1.197")),
                   claude_bin("2.1.197") + " (run scripts/fetch-agents.sh)");
    REQUIRE_PREREQ(have_program("node"), "node");
    REQUIRE_PREREQ(otlp_modules_installed(),
                   "tests/otlp/node_modules (npm ci --prefix tests/otlp)");
    temp_dir dir("otlp");
    const std::string received_path = dir / "otlp.jsonl";
    child receiver({"node", source_dir() + "/tests/otlp/receiver.mjs", "--out", received_path,
                    "--port", "0", "--max-seconds", "300"},
                   dir / "receiver.stderr");
    std::string line = receiver.wait_line("listening ", 20000);
    ASSERT_FALSE(line.empty()) << "receiver did not start: " << read_file(dir / "receiver.stderr");
    const std::string endpoint = "http://127.0.0.1:" + line.substr(line.find(' ') + 1);

    std::string home = dir / "home";
    prepare_home(home, false);
    mock_options mo;
    mo.final_text = "E2E OTLP final answer, not for export.";
    mock_llm mock(dir / "requests.jsonl", mo);
    ASSERT_TRUE(mock.ok());
    auto rec = run("cd " + sq(home + "/w") + " && AGENTSIGHT_CACHE_DIR=" + sq(dir / "cache") +
                   " timeout -s INT 240 " + sq(agentsight_bin()) + " record -q --otlp " + endpoint +
                   " -o " + sq(dir / "t.jsonl") + " -- " +
                   claude_command(claude_bin("2.1.197"), home, mock.url()));
    auto requests = mock.stop_and_read_requests();
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
    receiver.signal(SIGTERM);
    receiver.wait(10000);

    auto received = read_jsonl(received_path);
    ASSERT_FALSE(received.empty()) << "the collector received nothing";
    for (const auto& r : received)
        EXPECT_FALSE(r.contains("error")) << "not valid OTLP: " << r.dump().substr(0, 500);

    std::string model;
    for (const auto& q : requests_with_path(requests, "/v1/messages"))
        model = json::parse(q["body"].get<std::string>())["model"];
    ASSERT_FALSE(model.empty());

    auto spans = spans_of(received);
    ASSERT_FALSE(spans.empty());
    std::map<std::string, const span*> by_id;
    for (const auto& s : spans) by_id[s.span_id] = &s;

    // One trace, one root.
    for (const auto& s : spans) EXPECT_EQ(s.trace_id, spans[0].trace_id) << s.name;
    std::vector<const span*> roots;
    for (const auto& s : spans)
        if (s.parent.empty()) roots.push_back(&s);
    ASSERT_EQ(roots.size(), 1u);
    const span& root = *roots[0];
    EXPECT_EQ(root.name.rfind("invoke_agent", 0), 0u) << root.name;
    EXPECT_EQ(
        root.attrs.count("gen_ai.operation.name") ? root.attrs.at("gen_ai.operation.name") : "",
        "invoke_agent");

    // chat <model>: CLIENT spans under the root, with the GenAI attributes.
    std::vector<const span*> chats;
    for (const auto& s : spans)
        if (s.name.rfind("chat ", 0) == 0) chats.push_back(&s);
    ASSERT_EQ(chats.size(), 2u);
    for (const span* c : chats) {
        SCOPED_TRACE(c->raw.dump().substr(0, 600));
        EXPECT_EQ(c->name, "chat " + model);
        EXPECT_EQ(c->kind, 3) << "SPAN_KIND_CLIENT";
        EXPECT_EQ(c->parent, root.span_id);
        auto at = [&](const std::string& k) {
            return c->attrs.count(k) ? c->attrs.at(k) : "<absent>";
        };
        EXPECT_EQ(at("gen_ai.operation.name"), "chat");
        EXPECT_EQ(at("gen_ai.provider.name"), "anthropic");
        EXPECT_EQ(at("gen_ai.request.model"), model);
        EXPECT_EQ(at("gen_ai.usage.input_tokens"), std::to_string(mo.input_tokens));
        EXPECT_EQ(at("gen_ai.usage.output_tokens"), std::to_string(mo.output_tokens));
    }

    // execute_tool Bash, and the processes it ran below it.
    const span* tool = nullptr;
    for (const auto& s : spans)
        if (s.name == "execute_tool Bash") tool = &s;
    ASSERT_NE(tool, nullptr) << "no execute_tool Bash span";
    EXPECT_EQ(tool->parent, root.span_id);
    EXPECT_EQ(tool->attrs.count("gen_ai.tool.name") ? tool->attrs.at("gen_ai.tool.name") : "",
              "Bash");

    size_t processes = 0;
    bool cat_under_tool = false;
    for (const auto& s : spans) {
        if (s.name.rfind("process ", 0) != 0) continue;
        ++processes;
        EXPECT_TRUE(s.attrs.count("process.pid")) << s.name;
        EXPECT_TRUE(s.attrs.count("process.command_line")) << s.name;
        if (s.attrs.count("process.command_line") &&
            s.attrs.at("process.command_line").find("cat /etc/hostname") != std::string::npos &&
            s.name == "process cat") {
            for (const span* p = &s; p && !p->parent.empty();
                 p = by_id.count(p->parent) ? by_id[p->parent] : nullptr)
                if (p->parent == tool->span_id) cat_under_tool = true;
        }
    }
    EXPECT_GE(processes, 1u);
    EXPECT_TRUE(cat_under_tool)
        << "no `process cat` span (cat /etc/hostname) under execute_tool Bash";

    // No message content without --otlp-content (and never the API key).
    const std::string all = read_file(received_path);
    for (const char* k :
         {"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions",
          "gen_ai.tool.call.arguments", "gen_ai.tool.call.result"})
        EXPECT_EQ(all.find(k), std::string::npos) << k << " sent without --otlp-content";
    EXPECT_EQ(all.find(mo.final_text), std::string::npos) << "the model's answer was exported";
    EXPECT_EQ(all.find(k_claude_key), std::string::npos) << "the API key was exported";
}

}  // namespace
}  // namespace agentsight::test::e2e
