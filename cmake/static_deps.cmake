# ASYNCFETCH_STATIC_DEPS: libstdc++, libgcc and every library Debian ships as
# a static archive (lib*.a in its -dev package) are linked into the binaries;
# only glibc stays shared. Why: a process used to spend ~9.6M instructions in
# the dynamic loader binding ~8,000 symbols (libcrypto alone ~3,400: Debian
# links it with -z now), more than everything it did for a one-URL run or an
# idle Redis worker (issue 23, goal 4). The binary grows (ICU's data, which
# libxml2's encoding code pulls in, is ~31 MB of it); the Debian package no
# longer depends on these libraries' packages.
#
# Included twice: before the find_package calls (mode PREFER: the find
# modules pick the archives), and after them (mode PKGCONFIG: the pkg-config
# imported targets are pointed at the archives of their --static lists).
# Off for the sanitizer and fuzzing builds, whose runtimes want the shared
# C++ library.

if(ASYNCFETCH_STATIC_DEPS_MODE STREQUAL "PREFER")
  if(ASYNCFETCH_SANITIZE OR ASYNCFETCH_FUZZ)
    set(ASYNCFETCH_STATIC_DEPS OFF CACHE BOOL "" FORCE)
  endif()
  # A build directory configured before, or with the other setting, has
  # these paths cached: they are looked up again when of the other kind.
  foreach(var OPENSSL_SSL_LIBRARY OPENSSL_CRYPTO_LIBRARY ZLIB_LIBRARY ZLIB_LIBRARY_RELEASE)
    if(DEFINED CACHE{${var}})
      string(REGEX MATCH "[.]a$" archive "${${var}}")
      if((ASYNCFETCH_STATIC_DEPS AND NOT archive) OR (NOT ASYNCFETCH_STATIC_DEPS AND archive))
        unset(${var} CACHE)
      endif()
    endif()
  endforeach()
  if(ASYNCFETCH_STATIC_DEPS)
    set(OPENSSL_USE_STATIC_LIBS TRUE)
    set(ZLIB_USE_STATIC_LIBS TRUE)
    set(Boost_USE_STATIC_LIBS ON)
    # libstdc++ and libgcc into every binary; --as-needed drops a shared
    # library nothing references (a pkg-config --static list names some).
    add_link_options(-static-libstdc++ -static-libgcc LINKER:--as-needed)
  endif()
  return()
endif()

if(NOT ASYNCFETCH_STATIC_DEPS)
  return()
endif()

# asyncfetch_static_archives(TARGET PREFIX): TARGET (PkgConfig::PREFIX) links
# the archives of `pkg-config --static --libs`, in that order; a name without
# an archive, and glibc's own (m, dl: glibc stays shared), stay -l names. A
# name listed twice is kept where it is last, as a static link needs.
function(asyncfetch_static_archives target prefix)
  set(names ${${prefix}_STATIC_LIBRARIES})
  list(REVERSE names)
  list(REMOVE_DUPLICATES names)
  list(REVERSE names)
  set(items)
  foreach(name IN LISTS names)
    if(NOT name MATCHES "^(c|m|dl|rt|pthread)$")
      find_library(asyncfetch_archive_${name} NAMES lib${name}.a
        HINTS ${${prefix}_STATIC_LIBRARY_DIRS})
    endif()
    if(asyncfetch_archive_${name})
      list(APPEND items ${asyncfetch_archive_${name}})
    else()
      list(APPEND items ${name})
    endif()
  endforeach()
  list(APPEND items Threads::Threads ${CMAKE_DL_LIBS})
  set_property(TARGET ${target} PROPERTY INTERFACE_LINK_LIBRARIES ${items})
endfunction()

foreach(prefix LIBSSH2 GUMBO PSL IDN2 LIBXML2 HIREDIS CARES BROTLI ZSTD NGHTTP2)
  asyncfetch_static_archives(PkgConfig::${prefix} ${prefix})
endforeach()
