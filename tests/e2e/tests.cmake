# SPDX-License-Identifier: Apache-2.0
# End-to-end tests: the real agentsight binary recording the real agents
# (Claude Code, Gemini CLI, Qwen Code, opencode, from scripts/fetch-agents.sh)
# against the local HTTPS mock LLM. Root only; under CI=true a missing
# prerequisite (root, agents, node modules, sqlite3) fails instead of skipping.
# See docs/e2e.md.
file(GLOB e2e_test_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp
     ${CMAKE_CURRENT_LIST_DIR}/alerts/*.cpp)
add_executable(e2e_tests ${e2e_test_sources} ${CMAKE_CURRENT_LIST_DIR}/../bpf/harness.cpp)
target_include_directories(e2e_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../bpf)
target_compile_options(e2e_tests PRIVATE ${AGENTSIGHT_WARNINGS})
target_compile_definitions(e2e_tests PRIVATE AGENTSIGHT_BIN="$<TARGET_FILE:agentsight>"
                                             AGENTSIGHT_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                             AGENTSIGHT_BUILD_DIR="${CMAKE_BINARY_DIR}")
target_link_libraries(e2e_tests PRIVATE agentsight_pipeline agentsight_analysis OpenSSL::Crypto
                                        GTest::gtest_main)
add_dependencies(e2e_tests agentsight)
gtest_discover_tests(e2e_tests PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 600
                     DISCOVERY_TIMEOUT 60)
