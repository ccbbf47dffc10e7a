# SPDX-License-Identifier: Apache-2.0
# Root-only tests: the real binary tracing real workloads. Under CI=true a
# test that cannot run (not root, missing tool) fails instead of skipping.
# The fault and bad-input tests reuse the e2e harness (child processes, temp
# dirs, REQUIRE_PREREQ).
file(GLOB bpf_test_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
add_executable(bpf_tests ${bpf_test_sources} ${CMAKE_CURRENT_LIST_DIR}/../e2e/e2e_harness.cpp)
target_include_directories(bpf_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}
                                             ${CMAKE_CURRENT_LIST_DIR}/../e2e)
target_compile_options(bpf_tests PRIVATE ${AGENTSIGHT_WARNINGS})
target_compile_definitions(bpf_tests PRIVATE AGENTSIGHT_BIN="$<TARGET_FILE:agentsight>"
                                             AGENTSIGHT_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                             AGENTSIGHT_BUILD_DIR="${CMAKE_BINARY_DIR}")
target_link_libraries(bpf_tests PRIVATE agentsight_pipeline OpenSSL::Crypto GTest::gtest_main)
add_dependencies(bpf_tests agentsight)
gtest_discover_tests(bpf_tests PROPERTIES LABELS bpf RUN_SERIAL TRUE DISCOVERY_TIMEOUT 60)

# The BPF objects must also build for the other architectures we support.
foreach(arch arm64 riscv)
  foreach(src ${BPF_SOURCES})
    get_filename_component(name ${src} NAME_WE)
    add_test(NAME bpf_compiles_${name}_${arch}
             COMMAND ${BPF_CLANG} ${BPF_CFLAGS} -D__TARGET_ARCH_${arch} -c ${src}
                     -o ${CMAKE_BINARY_DIR}/${name}.${arch}.bpf.o)
    set_tests_properties(bpf_compiles_${name}_${arch} PROPERTIES LABELS unit)
  endforeach()
endforeach()
