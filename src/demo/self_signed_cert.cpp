// SPDX-License-Identifier: Apache-2.0
#include "demo/self_signed_cert.h"

#include <cstring>
#include <memory>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

namespace agentsight::demo {
namespace {

struct pkey_deleter {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct x509_deleter {
    void operator()(X509* x) const { X509_free(x); }
};
struct bio_deleter {
    void operator()(BIO* b) const { BIO_free(b); }
};

[[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string("mock TLS identity: ") + what + ": " +
                             openssl_error_text());
}

void add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX v3{};
    X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    if (ext == nullptr || X509_add_ext(cert, ext, -1) != 1) fail("add extension");
    X509_EXTENSION_free(ext);
}

std::unique_ptr<X509, x509_deleter> make_certificate(EVP_PKEY* key) {
    std::unique_ptr<X509, x509_deleter> cert(X509_new());
    if (!cert) fail("X509_new");
    X509_set_version(cert.get(), 2);  // v3, needed for extensions
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;  // a positive serial
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key);
    add_extension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    // CA:TRUE lets clients load this one certificate as their trust anchor.
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
    add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
    if (X509_sign(cert.get(), key, EVP_sha256()) == 0) fail("X509_sign");
    return cert;
}

std::string to_pem(X509* cert) {
    std::unique_ptr<BIO, bio_deleter> bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(len));
}

// Only http/1.1: the mock frames HTTP/1.1 itself, so a client offering h2 must fall back.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
    static const unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, outlen, http11, sizeof http11, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

}  // namespace

server_tls make_server_tls() {
    std::unique_ptr<EVP_PKEY, pkey_deleter> key(EVP_EC_gen("P-256"));
    if (!key) fail("generate P-256 key");
    auto cert = make_certificate(key.get());
    ssl_ctx_ptr ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx) fail("SSL_CTX_new");
    if (SSL_CTX_use_certificate(ctx.get(), cert.get()) != 1) fail("use certificate");
    if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1) fail("use private key");
    SSL_CTX_set_alpn_select_cb(ctx.get(), select_alpn, nullptr);
    return {std::move(ctx), to_pem(cert.get())};
}

}  // namespace agentsight::demo
