// SPDX-License-Identifier: Apache-2.0
#include "tls/tls_discovery.h"

#include "tls/arch_backend.h"
#include "tls/boringssl_discovery.h"
#include "tls/discovery_cache.h"
#include "tls/elf_file.h"
#include "tls/target_file.h"
#include "tls/tls_symbols.h"

#include <unistd.h>

namespace agentsight::tls {

namespace {

tls_discovery_result over_budget(tls_discovery_result res) {
    res.points.clear();
    res.skipped = skip::budget;
    if (res.boringssl != boringssl_search::not_run) res.boringssl = boringssl_search::over_budget;
    res.evidence.push_back(res.path + ": analysis stopped: " + skip::budget);
    return res;
}

// Only complete searches of a file with markers are cached: an empty answer was either
// no backend for the machine or functions not identified.
boringssl_search cached_outcome(const elf_file& elf, const std::vector<tls_attach_point>& points) {
    if (!points.empty()) return boringssl_search::identified;
    return make_arch_backend(elf.machine()) ? boringssl_search::unidentified
                                            : boringssl_search::no_backend;
}

tls_discovery_result discover(result<elf_file> elf, const std::string& path,
                              const discovery_options& opts) {
    tls_discovery_result res;
    res.path = path;
    if (!elf) {
        res.error = elf.message();
        res.evidence.push_back("cannot analyse: " + elf.message());
        return res;
    }
    elf->set_budget({std::chrono::steady_clock::now() + opts.time_budget, opts.cancel});

    symbol_scan_result syms = scan_tls_symbols(*elf);
    res.evidence = std::move(syms.evidence);
    if (elf->over_budget()) return over_budget(std::move(res));
    if (!syms.points.empty()) {
        res.points = std::move(syms.points);
        return res;
    }
    res.evidence.push_back("symbols: no TLS function defined in .dynsym or .symtab");

    boringssl_markers markers = find_boringssl_markers(*elf);
    if (elf->over_budget()) return over_budget(std::move(res));
    // The cache key hashes the whole file: only worth it for a BoringSSL build.
    const bool cacheable = !markers.found.empty() && !markers.too_many && !opts.cache_dir.empty();
    std::string key = cacheable ? cache_key(*elf) : std::string();
    if (elf->over_budget()) return over_budget(std::move(res));
    if (auto hit = load_cached_scan(opts.cache_dir, key, *elf, res.evidence)) {
        res.evidence.push_back("cache hit (" + key + ") in " + opts.cache_dir);
        res.evidence.insert(res.evidence.end(), hit->evidence.begin(), hit->evidence.end());
        res.points = std::move(hit->points);
        res.boringssl = cached_outcome(*elf, res.points);
    } else {
        boringssl_scan scan = find_stripped_boringssl(*elf, markers);
        res.boringssl = scan.outcome;
        res.evidence.insert(res.evidence.end(), scan.evidence.begin(), scan.evidence.end());
        if (scan.over_budget || elf->over_budget()) return over_budget(std::move(res));
        // Only a file that embeds BoringSSL is worth remembering: for the rest
        // the search stops at the string scan, which is already cheap.
        if (cacheable && !key.empty())
            res.evidence.push_back(
                store_cached_scan(opts.cache_dir, key, *elf, {scan.points, scan.evidence}));
        res.points = std::move(scan.points);
    }
    if (res.points.empty()) res.evidence.push_back(path + ": no TLS functions to attach to");
    return res;
}

template <typename Fn>
tls_discovery_result guarded(const std::string& path, Fn fn) {
    try {
        return fn();
    } catch (const std::exception& e) {
        // Only allocation failure on an absurd input should get here.
        tls_discovery_result res;
        res.path = path;
        res.error = path + ": analysis failed: " + e.what();
        res.evidence.push_back(res.error);
        return res;
    }
}

}  // namespace

tls_discovery_result discover_tls_functions(const std::string& path,
                                            const discovery_options& opts) {
    return guarded(path, [&] { return discover(elf_file::open(path), path, opts); });
}

tls_discovery_result discover_tls_functions(const target_file& file, const std::string& name,
                                            const discovery_options& opts) {
    return guarded(name, [&] {
        // A descriptor of our own: the caller may close its copy if it stops waiting.
        return discover(elf_file::from_fd(::dup(file.fd()), name), name, opts);
    });
}

}  // namespace agentsight::tls
