# SPDX-License-Identifier: Apache-2.0
# Browser tests of the web UI: the system chromium driven by playwright-core
# against `agentsight serve`. Needs `apt-get install -y chromium` and
# `npm ci --prefix tests/ui`; without them the test fails with the reason
# (it never skips, so a missing install step shows up in CI). live.test.mjs
# records a live session (`record --ui`), so the test needs root.
find_program(NODE_EXECUTABLE node)
if(NODE_EXECUTABLE)
  add_test(NAME ui_browser
           COMMAND ${NODE_EXECUTABLE} --test --test-concurrency=1
                   ${CMAKE_CURRENT_LIST_DIR}/ui.test.mjs
                   ${CMAKE_CURRENT_LIST_DIR}/live.test.mjs)
  set_tests_properties(ui_browser PROPERTIES
    LABELS ui
    TIMEOUT 300
    ENVIRONMENT "AGENTSIGHT_BIN=$<TARGET_FILE:agentsight>;AGENTSIGHT_UI_ARTIFACTS=${CMAKE_BINARY_DIR}/ui-artifacts")
endif()
