# SPDX-License-Identifier: Apache-2.0
# BPF programs: bpf/<name>.bpf.c -> <name>.bpf.o -> <name>.skel.h (embedded in the binary).
find_program(BPF_CLANG NAMES clang-14 clang REQUIRED)
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /usr/local/sbin REQUIRED)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|amd64")
  set(BPF_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(BPF_ARCH arm64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "riscv64")
  set(BPF_ARCH riscv)
else()
  message(FATAL_ERROR "unsupported architecture ${CMAKE_SYSTEM_PROCESSOR}")
endif()

set(BPF_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
file(MAKE_DIRECTORY ${BPF_GEN_DIR})
file(GLOB BPF_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bpf/*.bpf.c)
file(GLOB BPF_HEADERS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bpf/*.h ${CMAKE_SOURCE_DIR}/bpf/lib/*.h)
# The CO-RE header is ours (bpf/vmlinux_min.h), so nothing depends on the build host's kernel.
set(BPF_CFLAGS -g -O2 -target bpf -Wall -Werror -I${CMAKE_SOURCE_DIR}/bpf)

set(skeletons)
foreach(src ${BPF_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  set(obj ${BPF_GEN_DIR}/${name}.bpf.o)
  set(skel ${BPF_GEN_DIR}/${name}.skel.h)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPF_CLANG} ${BPF_CFLAGS} -D__TARGET_ARCH_${BPF_ARCH} -c ${src} -o ${obj}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${name}_bpf > ${skel}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${skel}.tmp ${skel}
    DEPENDS ${src} ${BPF_HEADERS}
    COMMENT "BPF ${name}"
    VERBATIM)
  list(APPEND skeletons ${skel})
endforeach()
add_custom_target(bpf_skeletons DEPENDS ${skeletons})
