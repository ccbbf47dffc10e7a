# A TLS client that loads GnuTLS with dlopen, makes one HTTPS request, and
# unloads it with dlclose (unlike OpenSSL 3, which pins itself in memory,
# GnuTLS really leaves the address space), then keeps running.
# Usage: dlclose_gnutls.py HOST PORT ROUNDS
import ctypes
import _ctypes
import socket
import sys
import time

GNUTLS_CLIENT = 2
GNUTLS_CRD_CERTIFICATE = 1
GNUTLS_E_AGAIN = -28
GNUTLS_E_INTERRUPTED = -52


def mapped():
    with open('/proc/self/maps') as f:
        return any('libgnutls.so' in line for line in f)


def one_request(host, port, path):
    g = ctypes.CDLL('libgnutls.so.30')
    # Probes attach asynchronously after the library is opened (a known race for a
    # first TLS call within milliseconds; docs/architecture.md). This test is about the
    # unmap, so it gives the attach time, as any real agent's start-up does.
    time.sleep(0.5)
    sess, cred = ctypes.c_void_p(), ctypes.c_void_p()
    assert g.gnutls_global_init() == 0
    g.gnutls_certificate_allocate_credentials(ctypes.byref(cred))
    g.gnutls_init(ctypes.byref(sess), GNUTLS_CLIENT)
    g.gnutls_set_default_priority(sess)
    g.gnutls_credentials_set(sess, GNUTLS_CRD_CERTIFICATE, cred)  # no verification: a test mock
    sock = socket.create_connection((host, port))
    g.gnutls_transport_set_int2(sess, sock.fileno(), sock.fileno())
    assert g.gnutls_handshake(sess) == 0
    req = f'GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n'.encode()
    assert g.gnutls_record_send(sess, req, len(req)) == len(req)
    buf = ctypes.create_string_buffer(4096)
    got = GNUTLS_E_AGAIN
    for _ in range(50):  # a TLS 1.3 session ticket may come first
        got = g.gnutls_record_recv(sess, buf, len(buf))
        if got not in (GNUTLS_E_AGAIN, GNUTLS_E_INTERRUPTED):
            break
    g.gnutls_bye(sess, 0)
    g.gnutls_deinit(sess)
    g.gnutls_certificate_free_credentials(cred)
    g.gnutls_global_deinit()
    sock.close()
    handle = g._handle
    del g
    _ctypes.dlclose(handle)
    return got


host, port, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for n in range(1, rounds + 1):
    got = one_request(host, port, f'/dlclose-probe-{n}')
    print(f'round {n} received {got} mapped {mapped()}', flush=True)
    time.sleep(0.5)  # traced, with the library gone
print('done', flush=True)
