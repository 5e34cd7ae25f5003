# The man page and shell completions, written at build time by the binary from
# its own option definitions; what `cmake --install` puts where; and the Debian
# package (`make deb`).
include(GNUInstallDirs)

set(ASYNCFETCH_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
  "Where the systemd unit goes, under the install prefix")
# Debian's zsh looks in vendor-completions (site-functions only under /usr/local).
set(ASYNCFETCH_ZSH_COMPLETION_DIR "${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions" CACHE STRING
  "Where the zsh completion goes, under the install prefix")

set(asyncfetch_man ${PROJECT_BINARY_DIR}/asyncfetch.1)
set(asyncfetch_bash ${PROJECT_BINARY_DIR}/completions/asyncfetch)
set(asyncfetch_zsh ${PROJECT_BINARY_DIR}/completions/_asyncfetch)
set(asyncfetch_fish ${PROJECT_BINARY_DIR}/completions/asyncfetch.fish)
add_custom_command(
  OUTPUT ${asyncfetch_man} ${asyncfetch_bash} ${asyncfetch_zsh} ${asyncfetch_fish}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/completions
  COMMAND asyncfetch --generate man ${asyncfetch_man}
  COMMAND asyncfetch --generate bash ${asyncfetch_bash}
  COMMAND asyncfetch --generate zsh ${asyncfetch_zsh}
  COMMAND asyncfetch --generate fish ${asyncfetch_fish}
  DEPENDS asyncfetch
  COMMENT "Writing the man page and shell completions from the option definitions"
  VERBATIM)
add_custom_target(asyncfetch_docs ALL
  DEPENDS ${asyncfetch_man} ${asyncfetch_bash} ${asyncfetch_zsh} ${asyncfetch_fish})

install(TARGETS asyncfetch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${asyncfetch_man} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${asyncfetch_bash} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${asyncfetch_zsh} DESTINATION ${ASYNCFETCH_ZSH_COMPLETION_DIR})
install(FILES ${asyncfetch_fish} DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(DIRECTORY configs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
  PATTERN "*.service" EXCLUDE)
# The unit names the binary where this install puts it (the prefix can be
# chosen at install time: `cmake --install build --prefix DIR`).
install(CODE "set(asyncfetch_unit_source \"${PROJECT_SOURCE_DIR}/configs/asyncfetch-run.service\")
  set(asyncfetch_unit \"${PROJECT_BINARY_DIR}/asyncfetch-run.service\")
  set(asyncfetch_bindir \"${CMAKE_INSTALL_BINDIR}\")")
install(CODE [[
  file(READ "${asyncfetch_unit_source}" unit)
  string(REPLACE "/usr/bin/asyncfetch" "${CMAKE_INSTALL_PREFIX}/${asyncfetch_bindir}/asyncfetch"
    unit "${unit}")
  file(WRITE "${asyncfetch_unit}" "${unit}")
]])
install(FILES ${PROJECT_BINARY_DIR}/asyncfetch-run.service
  DESTINATION ${ASYNCFETCH_SYSTEMD_UNIT_DIR})

# Depends: the shared libraries' packages come from dpkg-shlibdeps (with
# versions); the other run-time packages from scripts/runtime-packages.txt.
file(STRINGS scripts/runtime-packages.txt runtime_packages REGEX "^[a-z0-9]")
list(FILTER runtime_packages EXCLUDE REGEX "^(lib|zlib)")
list(JOIN runtime_packages ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME asyncfetch)
set(CPACK_PACKAGE_CONTACT "asyncfetch developers <asyncfetch@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "fetch many URLs and drive many SSH sessions concurrently from one thread")
set(CPACK_PACKAGE_DESCRIPTION
  "asyncfetch fetches many URLs (HTTP, HTTPS, crawls) and runs commands and copies files over SSH on many hosts at once, from one single-threaded event loop. Scheduled jobs run as a systemd service.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS man-db)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, redis-server")
include(CPack)
