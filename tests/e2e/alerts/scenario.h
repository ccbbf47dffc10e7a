// SPDX-License-Identifier: Apache-2.0
// The alert acceptance suite's pieces (issue 20): a scenario is one recording of Claude Code
// native driven by the mock LLM into one tool call (or the built-in demo), the alert rules it
// must raise with their severity and chain, and the scoring of true and false positives.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "../e2e_harness.h"

namespace agentsight::test::e2e {

// What a raised alert must carry in its chain besides `why` and the process path.
enum chain_need : unsigned { need_call = 1, need_file = 2, need_host = 4 };

struct expectation {
    std::string rule, severity;
    unsigned chain = 0;  // chain_need bits
};

// A HOME under /home (the rules' `~/` is /root/ or /home/*/), removed at the end.
class user_home {
  public:
    user_home();
    ~user_home();
    user_home(const user_home&) = delete;
    user_home& operator=(const user_home&) = delete;
    const std::string& path() const { return path_; }
    std::string workdir() const { return path_ + "/w"; }
    void write(const std::string& relative, const std::string& text, int mode = 0600) const;

  private:
    std::string path_;
};

struct scenario {
    std::string name;
    bool attack = true;
    std::string tool_name = "Bash";               // "" = the model answers without a tool
    std::string tool_input;                       // JSON; "{HOME}" stands for the scenario's home
    std::function<void(const user_home&)> setup;  // files the agent will find
    std::vector<expectation> expect;              // must fire (attacks); none for benign
    std::vector<std::string> also;    // rules that may fire too and are right to (opaque HTTP)
    bool demo = false;                // `agentsight demo` instead of Claude
    bool write_analysis_pid = false;  // put the analysis process's pid in w/analysis.pid
    std::function<void()> cleanup;
};

struct outcome {
    std::string name;
    bool attack = true, ran = false;
    std::string error;         // why the recording failed
    std::vector<json> alerts;  // every alert of the trace
};

// Records the scenario; `cache` is the shared AGENTSIGHT_CACHE_DIR.
outcome run_scenario(const scenario& s, const std::string& cache, const std::string& scratch);

// The chain fields `need` asks for that `alert` lacks ("" when complete).
std::string missing_chain(const json& alert, unsigned need, bool agent_is_claude);

struct rule_score {
    int tp = 0, fp = 0, fn = 0;
};

// Scores outcomes against their scenarios (same order): per rule, an expected alert found at
// its severity is a true positive, one missing a false negative, and any warning or critical
// alert of a rule the scenario neither expects nor lists in `also` a false positive.
std::map<std::string, rule_score> score(const std::vector<scenario>& s,
                                        const std::vector<outcome>& o,
                                        std::vector<std::string>& problems);

// The table and the closing precision/recall line.
std::string score_table(const std::map<std::string, rule_score>& scores, double& precision,
                        double& recall);

}  // namespace agentsight::test::e2e
