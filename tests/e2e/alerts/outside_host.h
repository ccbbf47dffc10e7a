// SPDX-License-Identifier: Apache-2.0
// A stand-in for "a host outside": a tiny HTTP server on a second loopback address
// (127.0.0.2), so exfiltration, download-and-run and beacons reach a real peer while the
// machine has no network. GET /i.sh serves a harmless script; anything else gets "ok".
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace agentsight::test::e2e {

class outside_host {
  public:
    outside_host();  // listens on 127.0.0.2, any free port
    ~outside_host();
    outside_host(const outside_host&) = delete;
    outside_host& operator=(const outside_host&) = delete;
    bool ok() const { return port_ != 0; }
    int port() const { return port_; }
    std::string url(const std::string& path) const;
    int requests() const { return requests_.load(); }

  private:
    void serve();
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
    std::thread thread_;
};

}  // namespace agentsight::test::e2e
