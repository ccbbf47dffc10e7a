// SPDX-License-Identifier: Apache-2.0
/* TLS per-call cost driver (see docs/benchmarks.md, "TLS per-call cost").
 *
 *   tls_loop ITERATIONS SIZE [NS_FILE]
 *
 * One thread, one process: a client and a server SSL object (system libssl, dynamically
 * linked) joined by an in-memory BIO pair, so no sockets and no scheduler hand-offs.
 * After the handshake, each iteration is one SSL_write of SIZE bytes on the client and
 * SSL_read calls on the server until those SIZE bytes are in (a 64 KiB write arrives as
 * four 16 KiB records, i.e. four SSL_read calls).  Only the loop is timed
 * (CLOCK_MONOTONIC); it prints "<elapsed ns> <ssl_write calls> <ssl_read calls>" to
 * NS_FILE (or stdout), so tracer start-up and teardown are not counted.
 * The certificate is a throw-away P-256 key made at start-up: nothing is read from disk.
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(const char *what)
{
    fprintf(stderr, "tls_loop: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(2);
}

static X509 *self_signed(EVP_PKEY *key)
{
    X509 *x = X509_new();
    if (!x) die("X509_new");
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_NAME *n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"bench", -1, -1, 0);
    X509_set_issuer_name(x, n);
    X509_set_pubkey(x, key);
    if (!X509_sign(x, key, EVP_sha256())) die("X509_sign");
    return x;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: tls_loop ITERATIONS SIZE [NS_FILE]\n");
        return 2;
    }
    long iters = atol(argv[1]);
    long size = atol(argv[2]);
    if (iters < 1 || size < 1 || size > (1 << 20)) die("bad ITERATIONS or SIZE");

    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (!key) die("EVP_EC_gen");
    X509 *cert = self_signed(key);

    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    if (!sctx || !cctx) die("SSL_CTX_new");
    if (SSL_CTX_use_certificate(sctx, cert) != 1 || SSL_CTX_use_PrivateKey(sctx, key) != 1)
        die("server certificate");
    SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);

    SSL *srv = SSL_new(sctx), *cli = SSL_new(cctx);
    if (!srv || !cli) die("SSL_new");
    BIO *cb = NULL, *sb = NULL;
    /* large enough for a whole 64 KiB write plus record overhead */
    if (!BIO_new_bio_pair(&cb, 256 * 1024, &sb, 256 * 1024)) die("BIO_new_bio_pair");
    SSL_set_bio(cli, cb, cb);
    SSL_set_bio(srv, sb, sb);
    SSL_set_connect_state(cli);
    SSL_set_accept_state(srv);

    for (int i = 0; i < 100; i++) {  /* handshake, stepping both sides */
        int rc = SSL_do_handshake(cli);
        int rs = SSL_do_handshake(srv);
        if (rc == 1 && rs == 1) break;
        if (i == 99) die("handshake did not finish");
    }

    unsigned char *out = malloc((size_t)size), *in = malloc((size_t)size);
    if (!out || !in) die("malloc");
    for (long i = 0; i < size; i++) out[i] = (unsigned char)('a' + i % 26);

    /* warm-up, untimed: also completes the TLS 1.3 post-handshake messages */
    long writes = 0, reads = 0;
    for (int w = 0; w < 2; w++) {
        if (SSL_write(cli, out, (int)size) != size) die("SSL_write (warm-up)");
        for (long got = 0; got < size;) {
            int r = SSL_read(srv, in, (int)size);
            if (r <= 0) die("SSL_read (warm-up)");
            got += r;
        }
    }

    double t0 = now_ns();
    for (long it = 0; it < iters; it++) {
        if (SSL_write(cli, out, (int)size) != size) die("SSL_write");
        writes++;
        for (long got = 0; got < size;) {
            int r = SSL_read(srv, in, (int)size);
            if (r <= 0) die("SSL_read");
            reads++;
            got += r;
        }
    }
    double t1 = now_ns();
    /* one record per read: only a single-record size lands at in[0] unchanged */
    if (size <= 16384 && memcmp(in, out, (size_t)size) != 0) die("data mismatch");

    FILE *f = argc > 3 ? fopen(argv[3], "w") : stdout;
    if (!f) die("cannot open NS_FILE");
    fprintf(f, "%.0f %ld %ld\n", t1 - t0, writes, reads);
    if (f != stdout) fclose(f);

    SSL_free(cli);
    SSL_free(srv);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    X509_free(cert);
    EVP_PKEY_free(key);
    free(out);
    free(in);
    return 0;
}
