// SPDX-License-Identifier: Apache-2.0
#include "demo/gzip_codec.h"

#include <dlfcn.h>

#include <stdexcept>

#include <zlib.h>

namespace agentsight::demo {
namespace {

// The few zlib entry points we use, resolved once from libz.so.1.
struct zlib_api {
    decltype(&::deflateInit2_) deflate_init = nullptr;
    decltype(&::deflate) deflate = nullptr;
    decltype(&::deflateEnd) deflate_end = nullptr;
    decltype(&::inflateInit2_) inflate_init = nullptr;
    decltype(&::inflate) inflate = nullptr;
    decltype(&::inflateEnd) inflate_end = nullptr;
};

template <typename F>
void resolve(void* lib, const char* name, F& fn) {
    fn = reinterpret_cast<F>(dlsym(lib, name));
    if (fn == nullptr) throw std::runtime_error(std::string("zlib: missing symbol ") + name);
}

const zlib_api& zlib() {
    static const zlib_api api = [] {
        void* lib = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);
        if (lib == nullptr)
            throw std::runtime_error("gzip needs libz.so.1: " + std::string(dlerror()));
        zlib_api a;
        resolve(lib, "deflateInit2_", a.deflate_init);
        resolve(lib, "deflate", a.deflate);
        resolve(lib, "deflateEnd", a.deflate_end);
        resolve(lib, "inflateInit2_", a.inflate_init);
        resolve(lib, "inflate", a.inflate);
        resolve(lib, "inflateEnd", a.inflate_end);
        return a;  // the library stays loaded for the life of the process
    }();
    return api;
}

constexpr int gzip_window_bits = 15 + 16;  // +16 selects the gzip wrapper

}  // namespace

struct gzip_encoder::state {
    z_stream z{};
};

gzip_encoder::gzip_encoder() : state_(std::make_unique<state>()) {
    if (zlib().deflate_init(&state_->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip_window_bits, 8,
                            Z_DEFAULT_STRATEGY, ZLIB_VERSION, sizeof(z_stream)) != Z_OK)
        throw std::runtime_error("zlib: deflateInit2 failed");
}

gzip_encoder::~gzip_encoder() {
    zlib().deflate_end(&state_->z);
}

std::string gzip_encoder::push(std::string_view data, bool finish) {
    z_stream& z = state_->z;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char buf[16384];
    int rc = Z_OK;
    do {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = zlib().deflate(&z, finish ? Z_FINISH : Z_SYNC_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0 || (finish && rc == Z_OK));
    return out;
}

std::string gzip_compress(std::string_view data) {
    gzip_encoder enc;
    return enc.push(data, true);
}

std::optional<std::string> gzip_decompress(std::string_view data, size_t max_len) {
    z_stream z{};
    if (zlib().inflate_init(&z, gzip_window_bits, ZLIB_VERSION, sizeof(z_stream)) != Z_OK)
        return std::nullopt;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char buf[16384];
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = zlib().inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
        if (out.size() > max_len) rc = Z_BUF_ERROR;  // a gzip bomb ends the loop as an error
    }
    zlib().inflate_end(&z);
    if (rc != Z_STREAM_END) return std::nullopt;
    return out;
}

}  // namespace agentsight::demo
