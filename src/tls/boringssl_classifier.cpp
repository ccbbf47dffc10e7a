// SPDX-License-Identifier: Apache-2.0
#include "tls/boringssl_classifier.h"

#include <algorithm>
#include <cstdio>

namespace agentsight::tls {

namespace {

// BoringSSL reason codes (include/openssl/ssl.h, err.h); numbers are stable.
constexpr uint32_t r_should_not_have_been_called = 66;
constexpr uint32_t r_bad_length = 111;
constexpr uint32_t r_connection_type_not_set = 134;
constexpr uint32_t r_excessive_message_size = 150;
constexpr uint32_t r_ssl_handshake_failure = 215;
constexpr uint32_t r_uninitialized = 226;
constexpr uint32_t r_wrong_ssl_version = 246;
constexpr uint32_t r_handshake_not_complete = 284;
constexpr uint32_t r_application_data_on_shutdown = 291;
constexpr uint32_t r_wrong_encryption_level_received = 299;

std::string hex(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string reason_name(uint32_t r) {
    switch (r) {
        case 66:
            return "SHOULD_NOT_HAVE_BEEN_CALLED";
        case 68:
            return "INTERNAL_ERROR";
        case 110:
            return "BAD_HELLO_REQUEST";
        case 111:
            return "BAD_LENGTH";
        case 134:
            return "CONNECTION_TYPE_NOT_SET";
        case 150:
            return "EXCESSIVE_MESSAGE_SIZE";
        case 182:
            return "NO_RENEGOTIATION";
        case 194:
            return "PROTOCOL_IS_SHUTDOWN";
        case 215:
            return "SSL_HANDSHAKE_FAILURE";
        case 226:
            return "UNINITIALIZED";
        case 246:
            return "WRONG_SSL_VERSION";
        case 284:
            return "HANDSHAKE_NOT_COMPLETE";
        case 291:
            return "APPLICATION_DATA_ON_SHUTDOWN";
        case 299:
            return "WRONG_ENCRYPTION_LEVEL_RECEIVED";
        default:
            return std::to_string(r);
    }
}

// The first function matching `pred`; `count` says how many matched.
template <typename Pred>
const ssl_function* pick(const std::vector<ssl_function>& fns, Pred pred, int* count) {
    const ssl_function* found = nullptr;
    *count = 0;
    for (const auto& f : fns) {
        if (pred(f)) {
            ++*count;
            if (found == nullptr) found = &f;
        }
    }
    return found;
}

class classifier {
  public:
    classifier(const elf_file& elf, std::vector<ssl_function> fns, std::vector<std::string>& ev)
        : elf_(elf), fns_(std::move(fns)), ev_(ev) {}

    std::vector<tls_attach_point> run();

  private:
    const ssl_function* find_write();
    const ssl_function* find_read();
    const ssl_function* find_handshake(const ssl_function* write, const ssl_function* read);
    bool validate(const char* name, const ssl_function* f);
    void add_point(std::vector<tls_attach_point>& out, const char* name,
                   agentsight::tls_direction dir, const ssl_function* f);

    const elf_file& elf_;
    std::vector<ssl_function> fns_;
    std::vector<std::string>& ev_;
    std::vector<const ssl_function*> read_impls_;
};

const ssl_function* classifier::find_write() {
    // SSL_write: rejects QUIC (SHOULD_NOT_HAVE_BEEN_CALLED), an SSL without a
    // handshake function (UNINITIALIZED) and a negative length (BAD_LENGTH).
    int n = 0;
    auto* w = pick(
        fns_,
        [](const ssl_function& f) {
            return f.has(r_should_not_have_been_called) && f.has(r_uninitialized) &&
                   f.has(r_bad_length) && !f.has(r_application_data_on_shutdown) &&
                   !f.has(r_handshake_not_complete);
        },
        &n);
    if (n != 1) {
        ev_.push_back("SSL_write: " + std::to_string(n) +
                      " functions raise {SHOULD_NOT_HAVE_BEEN_CALLED, UNINITIALIZED, BAD_LENGTH};"
                      " need exactly 1");
        return nullptr;
    }
    return w;
}

const ssl_function* classifier::find_read() {
    // ssl_read_impl (static, sometimes inlined): UNINITIALIZED and
    // SSL_HANDSHAKE_FAILURE, and none of the write/shutdown/QUIC reasons.
    for (const auto& f : fns_) {
        if (f.has(r_uninitialized) && f.has(r_ssl_handshake_failure) &&
            !f.has(r_should_not_have_been_called) && !f.has(r_bad_length) &&
            !f.has(r_application_data_on_shutdown))
            read_impls_.push_back(&f);
    }
    // SSL_peek's body (SSL_read inlines it): rejects QUIC, then reads through
    // ssl_read_impl, called or inlined.
    std::vector<const ssl_function*> cands;
    for (const auto& f : fns_) {
        if (!f.has(r_should_not_have_been_called) || f.has(r_bad_length) ||
            f.has(r_handshake_not_complete) || f.has(r_wrong_ssl_version) ||
            f.has(r_application_data_on_shutdown) || f.has(r_excessive_message_size) ||
            f.has(r_wrong_encryption_level_received))
            continue;
        bool inlined = f.has(r_uninitialized) && f.has(r_ssl_handshake_failure);
        bool calls_impl =
            std::any_of(read_impls_.begin(), read_impls_.end(),
                        [&](const ssl_function* r) { return f.calls(r->facts.range.start); });
        if (inlined || calls_impl) cands.push_back(&f);
    }
    ev_.push_back("ssl_read_impl candidates: " + std::to_string(read_impls_.size()));
    if (cands.empty()) {
        ev_.push_back(
            "SSL_read: no function raises SHOULD_NOT_HAVE_BEEN_CALLED and reads "
            "through ssl_read_impl");
        return nullptr;
    }
    if (cands.size() > 1) {
        // Both SSL_peek and SSL_read kept with the peek body inlined: SSL_read
        // is the larger (it also consumes the data).
        std::sort(cands.begin(), cands.end(), [](const ssl_function* a, const ssl_function* b) {
            return a->facts.range.end - a->facts.range.start >
                   b->facts.range.end - b->facts.range.start;
        });
        ev_.push_back("SSL_read: " + std::to_string(cands.size()) +
                      " candidates (SSL_read and SSL_peek); taking the largest");
    }
    return cands.front();
}

const ssl_function* classifier::find_handshake(const ssl_function* write,
                                               const ssl_function* read) {
    // SSL_do_handshake raises only CONNECTION_TYPE_NOT_SET; SSL_connect and
    // SSL_accept may inline it, so prefer the one SSL_write/ssl_read_impl call.
    std::vector<const ssl_function*> cands;
    for (const auto& f : fns_)
        if (f.has(r_connection_type_not_set)) cands.push_back(&f);
    std::vector<const ssl_function*> callers{write, read};
    callers.insert(callers.end(), read_impls_.begin(), read_impls_.end());
    for (const ssl_function* c : cands) {
        for (const ssl_function* caller : callers) {
            if (caller != nullptr && caller->calls(c->facts.range.start)) {
                ev_.push_back("SSL_do_handshake: called from " + hex(caller->facts.range.start));
                return c;
            }
        }
    }
    if (cands.size() == 1) return cands.front();
    ev_.push_back("SSL_do_handshake: " + std::to_string(cands.size()) +
                  " functions raise CONNECTION_TYPE_NOT_SET and none is called by "
                  "SSL_write/ssl_read_impl; not probing the handshake");
    return nullptr;
}

bool classifier::validate(const char* name, const ssl_function* f) {
    std::string where = std::string(name) + " = " + f->describe();
    if (!f->facts.plausible_entry) {
        ev_.push_back("reject " + where + ": entry is not a function prologue (" +
                      f->facts.entry_note + ")");
        return false;
    }
    if (!f->facts.fully_decoded)
        ev_.push_back("note: " + std::string(name) + " did not decode to its FDE end");
    ev_.push_back(where + ", entry " + f->facts.entry_note);
    return true;
}

void classifier::add_point(std::vector<tls_attach_point>& out, const char* name,
                           agentsight::tls_direction dir, const ssl_function* f) {
    auto off = elf_.vaddr_to_offset(f->facts.range.start);
    if (!off) {
        ev_.push_back("reject " + std::string(name) + ": entry outside every PT_LOAD");
        return;
    }
    tls_attach_point p;
    p.function = name;
    p.lib = agentsight::tls_lib::boringssl;
    p.direction = dir;
    p.file_offset = *off;
    ev_.push_back(std::string(name) + " -> vaddr " + hex(f->facts.range.start) + ", file offset " +
                  hex(*off));
    out.push_back(std::move(p));
}

std::vector<tls_attach_point> classifier::run() {
    std::vector<tls_attach_point> out;
    const ssl_function* write = find_write();
    const ssl_function* read = find_read();
    const ssl_function* hs = find_handshake(write, read);
    if (write && read && write == read) read = nullptr;

    // ssl_lib.cc defines SSL_do_handshake, then ssl_read_impl/SSL_peek, then
    // SSL_write; line numbers drift but that order has held for years.
    if (write && read) {
        auto rl = read->line.find(r_should_not_have_been_called);
        auto wl = write->line.find(r_should_not_have_been_called);
        if (rl != read->line.end() && wl != write->line.end() && rl->second > wl->second)
            ev_.push_back("warning: SSL_read's error line " + std::to_string(rl->second) +
                          " is after SSL_write's " + std::to_string(wl->second) +
                          " (unexpected source order)");
    }
    if (read && validate("SSL_read", read))
        add_point(out, "SSL_read", agentsight::tls_direction::read, read);
    if (write && validate("SSL_write", write))
        add_point(out, "SSL_write", agentsight::tls_direction::write, write);
    if (hs && hs != read && hs != write && validate("SSL_do_handshake", hs))
        add_point(out, "SSL_do_handshake", agentsight::tls_direction::handshake, hs);
    return out;
}

}  // namespace

std::string ssl_function::describe() const {
    std::string s = std::string(from_fde ? "FDE " : "prologue-bounded ") + "[" +
                    hex(facts.range.start) + "," + hex(facts.range.end) + ") reasons {";
    bool first = true;
    for (uint32_t r : reasons) {
        s += (first ? "" : ", ") + reason_name(r);
        first = false;
    }
    return s + "}";
}

std::vector<tls_attach_point> classify_boringssl_functions(const elf_file& elf,
                                                           std::vector<ssl_function> fns,
                                                           std::vector<std::string>& evidence) {
    return classifier(elf, std::move(fns), evidence).run();
}

}  // namespace agentsight::tls
