#include "tls/tls_discovery.h"

#include "tls/boringssl_discovery.h"
#include "tls/discovery_cache.h"
#include "tls/elf_file.h"
#include "tls/tls_symbols.h"

namespace agentsight::tls {

namespace {

tls_discovery_result discover(const std::string& path, const discovery_options& opts) {
    tls_discovery_result res;
    res.path = path;
    auto elf = elf_file::open(path);
    if (!elf) {
        res.error = elf.message();
        res.evidence.push_back("cannot analyse: " + elf.message());
        return res;
    }

    symbol_scan_result syms = scan_tls_symbols(*elf);
    res.evidence = std::move(syms.evidence);
    if (!syms.points.empty()) {
        res.points = std::move(syms.points);
        return res;
    }
    res.evidence.push_back("symbols: no TLS function defined in .dynsym or .symtab");

    std::string key = cache_key(*elf);
    if (auto hit = load_cached_scan(opts.cache_dir, key, *elf)) {
        res.evidence.push_back("cache hit (" + key + ") in " + opts.cache_dir);
        res.evidence.insert(res.evidence.end(), hit->evidence.begin(), hit->evidence.end());
        res.points = std::move(hit->points);
    } else {
        boringssl_scan scan = find_stripped_boringssl(*elf);
        res.evidence.insert(res.evidence.end(), scan.evidence.begin(), scan.evidence.end());
        // Only a file that embeds BoringSSL is worth remembering: for the rest
        // the search stops at the string scan, which is already cheap.
        if (scan.marker_found && !opts.cache_dir.empty()) {
            store_cached_scan(opts.cache_dir, key, *elf, {scan.points, scan.evidence});
            res.evidence.push_back("cached as (" + key + ") in " + opts.cache_dir);
        }
        res.points = std::move(scan.points);
    }
    if (res.points.empty()) res.evidence.push_back(path + ": no TLS functions to attach to");
    return res;
}

}  // namespace

tls_discovery_result discover_tls_functions(const std::string& path,
                                            const discovery_options& opts) {
    try {
        return discover(path, opts);
    } catch (const std::exception& e) {
        // Only allocation failure on an absurd input should get here.
        tls_discovery_result res;
        res.path = path;
        res.error = path + ": analysis failed: " + e.what();
        res.evidence.push_back(res.error);
        return res;
    }
}

}  // namespace agentsight::tls
