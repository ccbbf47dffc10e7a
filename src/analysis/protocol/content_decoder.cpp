// SPDX-License-Identifier: Apache-2.0
#include "analysis/protocol/content_decoder.h"

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>

#include "analysis/protocol/http_types.h"

namespace agentsight::analyzers {
namespace {

constexpr size_t k_out_chunk = 16 * 1024;

content_coding one_coding(std::string_view v) {
    if (iequals(v, "gzip") || iequals(v, "x-gzip")) return content_coding::gzip;
    if (iequals(v, "deflate")) return content_coding::deflate;
    if (iequals(v, "br")) return content_coding::br;
    if (iequals(v, "zstd")) return content_coding::zstd;
    if (v.empty() || iequals(v, "identity")) return content_coding::identity;
    return content_coding::unsupported;
}

// Grows `out` by what fits under the cap, returns how much room the decoder may fill.
size_t room(std::string& out, size_t cap, size_t& old_size) {
    old_size = out.size();
    size_t n = cap > old_size ? std::min(k_out_chunk, cap - old_size) : 0;
    out.resize(old_size + n);
    return n;
}

}  // namespace

content_coding parse_content_coding(std::string_view header) {
    content_coding found = content_coding::identity;
    while (!header.empty()) {
        size_t comma = header.find(',');
        content_coding c = one_coding(trim(header.substr(0, comma)));
        if (c != content_coding::identity) {
            if (found != content_coding::identity) return content_coding::unsupported;
            found = c;
        }
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    return found;
}

struct content_decoder::impl {
    z_stream z{};
    bool z_ready = false;
    BrotliDecoderState* br = nullptr;
    ZSTD_DStream* zstd = nullptr;
    ~impl() {
        if (z_ready) inflateEnd(&z);
        if (br) BrotliDecoderDestroyInstance(br);
        if (zstd) ZSTD_freeDStream(zstd);
    }
};

content_decoder::content_decoder(content_coding c) : coding_(c) {
    if (c == content_coding::identity || c == content_coding::unsupported) return;
    impl_ = std::make_unique<impl>();
    switch (c) {
        case content_coding::gzip:
            // 15 + 32: accept gzip or zlib headers, whichever the server really sent.
            impl_->z_ready = inflateInit2(&impl_->z, 15 + 32) == Z_OK;
            failed_ = !impl_->z_ready;
            break;
        case content_coding::br:
            impl_->br = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
            failed_ = impl_->br == nullptr;
            break;
        case content_coding::zstd:
            impl_->zstd = ZSTD_createDStream();
            failed_ = impl_->zstd == nullptr || ZSTD_isError(ZSTD_initDStream(impl_->zstd));
            break;
        default:
            break;  // deflate starts once its first two bytes are known
    }
}

content_decoder::~content_decoder() = default;
content_decoder::content_decoder(content_decoder&&) noexcept = default;
content_decoder& content_decoder::operator=(content_decoder&&) noexcept = default;

// "deflate" means zlib-wrapped deflate, but some servers send raw deflate; the zlib header
// check (CMF/FLG multiple of 31 with method 8) tells them apart.
bool content_decoder::start_deflate() {
    auto b0 = static_cast<unsigned char>(head_[0]), b1 = static_cast<unsigned char>(head_[1]);
    bool zlib_wrapped = (b0 & 0x0F) == 8 && ((b0 << 8) | b1) % 31 == 0;
    impl_->z_ready = inflateInit2(&impl_->z, zlib_wrapped ? 15 : -15) == Z_OK;
    return impl_->z_ready;
}

bool content_decoder::feed(std::string_view in, std::string& out, size_t cap, bool& capped) {
    if (failed_) return false;
    if (coding_ == content_coding::identity || coding_ == content_coding::unsupported) {
        size_t take = out.size() < cap ? std::min(in.size(), cap - out.size()) : 0;
        out.append(in.substr(0, take));
        if (take < in.size()) capped = true;
        return true;
    }
    if (coding_ == content_coding::deflate && !impl_->z_ready) {
        head_.append(in);
        if (head_.size() < 2) return true;
        if (!start_deflate()) return !(failed_ = true);
        std::string pending;
        pending.swap(head_);
        coding_ = content_coding::gzip;  // from here on the same zlib loop
        bool ok = feed(pending, out, cap, capped);
        coding_ = content_coding::deflate;
        return ok;
    }
    if (coding_ == content_coding::gzip || coding_ == content_coding::deflate)
        return feed_zlib(in, out, cap, capped);
    if (coding_ == content_coding::br) return feed_brotli(in, out, cap, capped);
    return feed_zstd(in, out, cap, capped);
}

bool content_decoder::feed_zlib(std::string_view in, std::string& out, size_t cap, bool& capped) {
    size_t old = 0;
    z_stream& z = impl_->z;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    for (;;) {
        size_t n = room(out, cap, old);
        if (n == 0) {
            out.resize(old);
            capped = true;
            return true;
        }
        z.next_out = reinterpret_cast<Bytef*>(out.data() + old);
        z.avail_out = static_cast<uInt>(n);
        int rc = inflate(&z, Z_NO_FLUSH);
        out.resize(old + n - z.avail_out);
        if (rc == Z_STREAM_END) {
            // Concatenated gzip members are legal; anything after a zlib stream is junk.
            if (z.avail_in > 0 && inflateReset(&z) == Z_OK) continue;
            return true;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) return !(failed_ = true);
        // A full output buffer may hide more pending output; otherwise we are done.
        if (z.avail_out != 0) return true;
    }
}

bool content_decoder::feed_brotli(std::string_view in, std::string& out, size_t cap, bool& capped) {
    size_t old = 0;
    auto* next_in = reinterpret_cast<const uint8_t*>(in.data());
    size_t avail_in = in.size();
    for (;;) {
        size_t n = room(out, cap, old);
        if (n == 0) {
            out.resize(old);
            capped = true;
            return true;
        }
        auto* next_out = reinterpret_cast<uint8_t*>(out.data() + old);
        size_t avail_out = n;
        auto rc = BrotliDecoderDecompressStream(impl_->br, &avail_in, &next_in, &avail_out,
                                                &next_out, nullptr);
        out.resize(old + n - avail_out);
        if (rc == BROTLI_DECODER_RESULT_ERROR) return !(failed_ = true);
        if (rc != BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) return true;
    }
}

bool content_decoder::feed_zstd(std::string_view in, std::string& out, size_t cap, bool& capped) {
    size_t old = 0;
    ZSTD_inBuffer src{in.data(), in.size(), 0};
    for (;;) {
        size_t n = room(out, cap, old);
        if (n == 0) {
            out.resize(old);
            capped = true;
            return true;
        }
        ZSTD_outBuffer dst{out.data() + old, n, 0};
        size_t rc = ZSTD_decompressStream(impl_->zstd, &dst, &src);
        out.resize(old + dst.pos);
        if (ZSTD_isError(rc)) return !(failed_ = true);
        if (src.pos == src.size && dst.pos < n) return true;
    }
}

}  // namespace agentsight::analyzers
