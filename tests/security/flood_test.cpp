// Issue 16, finding 10: a traced process floods the kernel side. A file-open flood must not
// cost another process its LLM traffic, forking must not mint rate-limit budget, and what was
// lost is pinned on the pid and tree that lost it (session_end, report).
#include <fstream>

#include "e2e_harness.h"
#include "harness.h"

namespace agentsight::test {
namespace {

// Opens a ~3 KiB path that does not exist, as fast as it can, for `secs` seconds: each attempt
// is a 3 KiB file record, so the 8 MiB process ring fills in a few thousand of them.
constexpr const char* k_flood = R"(import os, sys, time
open(sys.argv[1], "w").write(str(os.getpid()))
path = "/nonexistent-agentsight-flood/" + "d/" * 1500
end = time.time() + float(sys.argv[2])
while time.time() < end:
    for _ in range(1000):
        try:
            os.open(path, os.O_RDONLY)
        except OSError:
            pass
)";

class flood : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::make_unique<e2e::temp_dir>("flood");
        std::ofstream(*dir_ / "flood.py") << k_flood;
    }
    std::unique_ptr<e2e::temp_dir> dir_;
};

json session_stats(const run_result& r) {
    auto end = of_type(r.events, "session_end");
    return end.empty() ? json::object() : end.back()["stats"];
}

TEST_F(flood, a_file_open_flood_does_not_drop_another_process_tls_and_is_attributed) {
    REQUIRE_ROOT();
    REQUIRE_PREREQ(e2e::have_program("curl"), "curl");
    e2e::mock_llm mock(*dir_ / "requests.json");
    REQUIRE_PREREQ(mock.ok(), "agentsight mock-llm");
    // No rate limit: the flood reaches the ring, as in trace-all mode before the fix.
    const std::string script = "python3 " + *dir_ / "flood.py" + " " + *dir_ / "flood.pid" +
                               " 3 & sleep 0.5; curl -sk " + mock.url() +
                               "/flood-probe -o /dev/null; wait";
    auto r = run_agentsight("record -q --rate-limit 0 -o - -- sh -c " + e2e::sq(script));
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;

    std::string writes;
    for (const auto& e : of_type(r.events, "tls"))
        if (e["direction"] == "write") writes += e["data"].get<std::string>();
    EXPECT_NE(writes.find("GET /flood-probe HTTP/1.1"), std::string::npos)
        << "curl's TLS traffic was lost to the flood";

    const int flooder = std::stoi(e2e::read_file(*dir_ / "flood.pid"));
    json stats = session_stats(r);
    ASSERT_TRUE(stats.contains("drops_by_pid")) << stats.dump();
    EXPECT_GT(stats["ring_reserve_refused"].get<uint64_t>(), 0u) << stats.dump();
    bool pinned = false;
    for (const auto& d : stats["drops_by_pid"]) {
        if (d["pid"] == flooder) {
            pinned = d["reserve"].get<uint64_t>() > 0 && d["comm"] == "python3";
        } else {
            EXPECT_NE(d["comm"], "curl") << "curl lost records: " << d.dump();
        }
    }
    EXPECT_TRUE(pinned) << "the drops are not pinned on the flooding pid " << flooder << ": "
                        << stats["drops_by_pid"].dump();
    ASSERT_FALSE(stats["drops_by_tree"].empty());
    EXPECT_GT(stats["drops_by_tree"][0]["reserve"].get<uint64_t>(), 0u);
}

TEST_F(flood, children_do_not_get_a_fresh_burst) {
    REQUIRE_ROOT();
    // The parent spends its burst, then 20 children each try 1000 opens of one path at once.
    // With a fresh burst each, all 20000 would be recorded.
    const std::string py =
        "import os\n"
        "p='/nonexistent-agentsight-burst'\n"
        "def opens(n):\n"
        "    for _ in range(n):\n"
        "        try: os.open(p, os.O_RDONLY)\n"
        "        except OSError: pass\n"
        "opens(3000)\n"
        "kids=[]\n"
        "for i in range(20):\n"
        "    pid=os.fork()\n"
        "    if pid==0:\n"
        "        opens(1000); os._exit(0)\n"
        "    kids.append(pid)\n"
        "for k in kids: os.waitpid(k,0)\n";
    std::ofstream(*dir_ / "burst.py") << py;
    auto r = run_agentsight("process -q --rate-limit 1000 --rate-burst 2000 -o - -- python3 " +
                            *dir_ / "burst.py");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    uint64_t recorded = 0;
    for (const auto& e : of_type(r.events, "file_open"))
        if (e["path"] == "/nonexistent-agentsight-burst") recorded += e["count"].get<uint64_t>();
    uint64_t suppressed = 0;
    for (const auto& e : of_type(r.events, "suppressed")) suppressed += e["count"].get<uint64_t>();
    // 2000 burst, the refill (1000/s per process over the run) and the tokens children split.
    EXPECT_LT(recorded, 8000u) << "children were given fresh bursts";
    EXPECT_GE(recorded, 2000u);
    EXPECT_GT(suppressed, 10000u);
}

}  // namespace
}  // namespace agentsight::test
