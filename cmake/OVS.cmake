# Builds (once, cached by tarball checksum) and imports libopenvswitch and
# ovsdb-idlc from Debian's openvswitch-source.  See scripts/build-ovs.sh.
#
# Defines:
#   OVS_SRC_DIR     the OVS build tree (its own config.h is at its top)
#   OVSDB_IDLC      command prefix that runs ovsdb-idlc
#   ovs::openvswitch  imported static library with include dirs and link deps;
#                     its users get ovsdb/ovs-json-rename.h force-included.

set(WEFT_OVS_CACHE "${CMAKE_BINARY_DIR}/ovs-cache" CACHE PATH
    "Where the pinned OVS build is cached")

execute_process(
  COMMAND "${CMAKE_SOURCE_DIR}/scripts/build-ovs.sh" "${WEFT_OVS_CACHE}"
  OUTPUT_VARIABLE _ovs_out
  RESULT_VARIABLE _ovs_rc)
if(NOT _ovs_rc EQUAL 0)
  message(FATAL_ERROR "building libopenvswitch from openvswitch-source failed")
endif()
string(STRIP "${_ovs_out}" _ovs_out)
string(REGEX REPLACE ".*\n" "" OVS_SRC_DIR "${_ovs_out}")
message(STATUS "OVS build tree: ${OVS_SRC_DIR}")

get_filename_component(_ovs_cache_dir "${OVS_SRC_DIR}" DIRECTORY)
file(READ "${_ovs_cache_dir}/libs-private.txt" _ovs_libs)
string(STRIP "${_ovs_libs}" _ovs_libs)
separate_arguments(_ovs_libs UNIX_COMMAND "${_ovs_libs}")

find_package(Threads REQUIRED)
set(OVSDB_IDLC env PYTHONPATH=${OVS_SRC_DIR}/python /usr/bin/python3
    ${OVS_SRC_DIR}/ovsdb/ovsdb-idlc.in)

# Link-only view of the archive, for jansson-side code (no OVS headers, no
# force-included rename header).
add_library(ovs::openvswitch_link INTERFACE IMPORTED GLOBAL)
target_link_libraries(ovs::openvswitch_link INTERFACE
  "${OVS_SRC_DIR}/lib/.libs/libopenvswitch.a"
  "${OVS_SRC_DIR}/lib/.libs/libopenvswitchavx512.a" ${_ovs_libs}
  Threads::Threads)

add_library(ovs::openvswitch STATIC IMPORTED GLOBAL)
set_target_properties(ovs::openvswitch PROPERTIES
  IMPORTED_LOCATION "${OVS_SRC_DIR}/lib/.libs/libopenvswitch.a")
target_include_directories(ovs::openvswitch INTERFACE
  "${OVS_SRC_DIR}" "${OVS_SRC_DIR}/include" "${OVS_SRC_DIR}/lib")
target_compile_options(ovs::openvswitch INTERFACE
  -include "${CMAKE_SOURCE_DIR}/ovsdb/ovs-json-rename.h"
  -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers)
target_link_libraries(ovs::openvswitch INTERFACE
  "${OVS_SRC_DIR}/lib/.libs/libopenvswitchavx512.a" ${_ovs_libs}
  Threads::Threads)
