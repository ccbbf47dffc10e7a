# SPDX-License-Identifier: Apache-2.0
# Security tests: each performs an attack from issue 16 (a malicious agent, a
# malicious local user, malicious bytes on the wire) against the real binary
# and asserts that it failed harmlessly with a clear message. Root only; under
# CI=true a missing prerequisite fails instead of skipping. See docs/security.md.
file(GLOB security_test_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
if(security_test_sources)
  add_executable(security_tests ${security_test_sources}
                                ${CMAKE_CURRENT_LIST_DIR}/../bpf/harness.cpp
                                ${CMAKE_CURRENT_LIST_DIR}/../e2e/e2e_harness.cpp)
  target_include_directories(security_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../bpf
                                                    ${CMAKE_CURRENT_LIST_DIR}/../e2e)
  target_compile_options(security_tests PRIVATE ${AGENTSIGHT_WARNINGS})
  target_compile_definitions(security_tests PRIVATE AGENTSIGHT_BIN="$<TARGET_FILE:agentsight>"
                                                    AGENTSIGHT_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                                    AGENTSIGHT_BUILD_DIR="${CMAKE_BINARY_DIR}")
  target_link_libraries(security_tests PRIVATE agentsight_app agentsight_pipeline agentsight_util
                                               OpenSSL::Crypto GTest::gtest_main)
  add_dependencies(security_tests agentsight)
  gtest_discover_tests(security_tests PROPERTIES LABELS security RUN_SERIAL TRUE TIMEOUT 300
                       DISCOVERY_TIMEOUT 60)
endif()
