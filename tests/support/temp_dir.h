// SPDX-License-Identifier: Apache-2.0
// A scratch directory per test, and reading and writing whole files in it. One class for
// the unit, bpf, security and e2e suites.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace agentsight::test {

// Made by mkdtemp, so mode 0700: an unprivileged process cannot even enter it (the privsep
// tests rely on that). Removed afterwards, unless AGENTSIGHT_E2E_KEEP is set to keep what a
// failed test left for a look.
class temp_dir {
  public:
    explicit temp_dir(const std::string& tag = "test") {
        std::string tmpl =
            std::filesystem::temp_directory_path() / ("agentsight-" + tag + "-XXXXXX");
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl + " failed");
        path_ = tmpl;
    }
    ~temp_dir() {
        if (std::getenv("AGENTSIGHT_E2E_KEEP")) return;
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }
    std::string file(const std::string& name) const { return *this / name; }

  private:
    std::string path_;
};

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

}  // namespace agentsight::test
