// SPDX-License-Identifier: Apache-2.0
// The attacher warns about a stripped BoringSSL it could not read from discovery's fact,
// not from the wording of the evidence.
#include <gtest/gtest.h>

#include "sources/tls_attacher.h"

namespace agentsight {
namespace {

TEST(unidentified_boringssl, the_fact_decides_not_the_evidence_text) {
    tls::tls_discovery_result found;
    found.evidence = {"BoringSSL: embedded, but SSL_read/SSL_write could not be identified"};
    found.boringssl = tls::boringssl_search::no_backend;
    EXPECT_FALSE(tls_attacher::has_unidentified_boringssl(found));
    found.evidence.clear();
    found.boringssl = tls::boringssl_search::unidentified;
    EXPECT_TRUE(tls_attacher::has_unidentified_boringssl(found));
    found.boringssl = tls::boringssl_search::no_marker;
    EXPECT_FALSE(tls_attacher::has_unidentified_boringssl(found));
}

}  // namespace
}  // namespace agentsight
