# Fails when a source or header includes a higher layer than its own:
#   cmake -DSOURCE_DIR=<tree with include/ and src/> -P check_layers.cmake
# A file may include its own part (folder) and the parts of lower layers
# only. The layers, lowest first, as the libraries of CMakeLists.txt hold them:
#   0 core, version.hpp, asio_impl.cpp
#   1 http, ssh, redis (the transport), report, launcher (frame, messages)
#   2 crawl, testserver
#   3 the runtime: launcher's pool and worker process, streams
#   4 app                5 schedule                6 cli
# Parts of one layer do not include each other (ssh does not include http).
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check_layers.cmake: set SOURCE_DIR")
endif()

set(layer_core 0)
set(layer_version 0)
set(layer_http 1)
set(layer_ssh 1)
set(layer_redis 1)
set(layer_report 1)
set(layer_launcher 1)
set(layer_crawl 2)
set(layer_testserver 2)
set(layer_launcher_runtime 3)
set(layer_streams 3)
set(layer_app 4)
set(layer_schedule 5)
set(layer_cli 6)

# The part a path belongs to: its folder under include/asyncfetch/ or src/,
# the -j launcher's I/O apart from its sans-I/O framing.
function(part_of path out)
  if(path MATCHES "launcher/(pool|worker_process|frame_writer)\\.[ch]pp$")
    set(${out} launcher_runtime PARENT_SCOPE)
  elseif(path MATCHES "(^|/)(include/)?asyncfetch/version\\.hpp$" OR path MATCHES "^src/asio_impl\\.cpp$")
    set(${out} version PARENT_SCOPE)
  elseif(path MATCHES "(^|/)(src|asyncfetch)/([a-z_]+)/")
    set(${out} ${CMAKE_MATCH_3} PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()

file(GLOB_RECURSE files RELATIVE ${SOURCE_DIR}
  ${SOURCE_DIR}/include/asyncfetch/*.hpp ${SOURCE_DIR}/src/*.cpp ${SOURCE_DIR}/src/*.hpp)
set(problems "")
foreach(file IN LISTS files)
  part_of(${file} part)
  if(part STREQUAL "" OR NOT DEFINED layer_${part})
    string(APPEND problems "${file}: in no layer (add its folder to cmake/check_layers.cmake)\n")
    continue()
  endif()
  file(STRINGS ${SOURCE_DIR}/${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"asyncfetch/")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE ".*\"(asyncfetch/[^\"]+)\".*" "\\1" header "${line}")
    part_of(${header} included)
    if(included STREQUAL part)
      continue()
    endif()
    if(included STREQUAL "" OR NOT DEFINED layer_${included})
      string(APPEND problems "${file}: includes ${header}, in no layer\n")
    elseif(NOT layer_${included} LESS layer_${part})
      string(APPEND problems "${file}: includes ${header}: ${part} (layer ${layer_${part}}) "
                             "may not include ${included} (layer ${layer_${included}})\n")
    endif()
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "includes against the layering:\n${problems}")
endif()
