# SPDX-License-Identifier: Apache-2.0
# Fuzzing and sanitizers.
#
# In a fuzz build (-DAGENTSIGHT_FUZZ=ON, clang; see tests/fuzz/run_short.sh for the
# configure line) every tests/fuzz/fuzz_<name>.cpp becomes a libFuzzer target fuzz_<name>,
# and `fuzz_all` builds them all. The libraries must then be compiled with
# -fsanitize=fuzzer-no-link,address,undefined through CMAKE_CXX_FLAGS.
#
# In every other build two tests run the heavy checks from the normal suite:
#   fuzz_short  builds the fuzz targets with clang into <build>/fuzz and runs each briefly
#   unit_asan   builds the unit tests with ASan+UBSan into build-asan and runs them
set(fuzz_dir ${CMAKE_CURRENT_LIST_DIR})
get_filename_component(fuzz_repo ${fuzz_dir}/../.. ABSOLUTE)

if(AGENTSIGHT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "AGENTSIGHT_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++ (tests/fuzz/run_short.sh does)")
  endif()
  file(GLOB fuzz_sources CONFIGURE_DEPENDS ${fuzz_dir}/fuzz_*.cpp)
  add_custom_target(fuzz_all)
  foreach(src ${fuzz_sources})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_compile_options(${name} PRIVATE ${AGENTSIGHT_WARNINGS}
                                           -fsanitize=fuzzer,address,undefined)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${name} PRIVATE agentsight_analysis agentsight_report agentsight_replay agentsight_outputs
                                          agentsight_pipeline)
    # At the top of the build tree, where run_short.sh and fuzz-long.sh look for them.
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
    add_dependencies(fuzz_all ${name})
  endforeach()
  # The decoder is compiled in directly rather than through agentsight_sources: that
  # library pulls in the BPF skeletons and agentsight_tls (ELF discovery), which the
  # decoder does not need, which would double the fuzz build's time, and which clang 14
  # does not compile (boringssl_discovery.cpp captures a structured binding in a lambda).
  target_sources(fuzz_record_decoder PRIVATE ${CMAKE_SOURCE_DIR}/src/sources/record_decoder.cpp
                                             ${CMAKE_SOURCE_DIR}/src/sources/plaintext_decoder.cpp)
elseif(NOT AGENTSIGHT_SANITIZE)
  add_test(NAME fuzz_short COMMAND ${fuzz_dir}/run_short.sh)
  set_tests_properties(fuzz_short PROPERTIES LABELS fuzz TIMEOUT 1200
                       ENVIRONMENT "AGENTSIGHT_FUZZ_BUILD=${CMAKE_BINARY_DIR}/fuzz")
  add_test(NAME unit_asan COMMAND ${fuzz_repo}/scripts/sanitize.sh)
  set_tests_properties(unit_asan PROPERTIES LABELS sanitize TIMEOUT 2400)
endif()
