# Install rules (included by CMakeLists.txt when DX_INSTALL is ON):
#   lib/libdissect.so.0.1.0 (+ .so.0, .so), lib/libdissect.a
#   include/dissect/*.h
#   lib/pkgconfig/libdissect.pc
#   lib/cmake/dissect/ (find_package(dissect CONFIG): dissect::dissect,
#                       dissect::dissect_static, version file)
#   bin/dissect, bin/dissect-tui (tui/CMakeLists.txt)
#   share/man/man1/dissect.1, dissect-tui.1, share/man/man3/libdissect.3
# Everything is relative to the prefix given at install time
# (cmake --install build --prefix P), so one build installs anywhere.
include(CMakePackageConfigHelpers)

set(DX_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/dissect)

install(TARGETS dissect EXPORT dissect-targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT devel
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS dissect_static EXPORT dissect-static-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT devel
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/dissect DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT devel FILES_MATCHING PATTERN "*.h")

# CMake package. The shared and static targets are in two files so that the
# config can say which link dependencies each needs.
install(EXPORT dissect-targets NAMESPACE dissect:: DESTINATION ${DX_CMAKE_DIR} COMPONENT devel)
install(EXPORT dissect-static-targets NAMESPACE dissect:: DESTINATION ${DX_CMAKE_DIR}
        COMPONENT devel)
if(ZLIB_FOUND)
  set(DX_HAVE_ZLIB 1)
  set(DX_ZLIB_NOTE ", zlib")
else()
  set(DX_HAVE_ZLIB 0)
  set(DX_ZLIB_NOTE "")
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/dissect-config.cmake.in
                              ${PROJECT_BINARY_DIR}/cmake/dissect-config.cmake
                              INSTALL_DESTINATION ${DX_CMAKE_DIR})
# 0.x: the soname is libdissect.so.0 for every 0.y.z, and programs built
# against 0.1 run with any later 0.y; so any 0.y >= the one asked for will do.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/dissect-config-version.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/dissect-config.cmake
              ${PROJECT_BINARY_DIR}/cmake/dissect-config-version.cmake
        DESTINATION ${DX_CMAKE_DIR} COMPONENT devel)

# pkg-config. The prefix is found from the .pc file's own place
# (${pcfiledir}), so --prefix at install time and DESTDIR both work.
# libpcap is named in Libs.private rather than Requires.private: Debian's
# libpcap.pc pulls in dbus-1 and systemd for static linking of libpcap
# itself, which a static libdissect does not do (and libsystemd.so is often
# absent), so `pkg-config --static --libs libdissect` would not link.
set(DX_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(DX_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(DX_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH DX_PC_UP "/prefix/${DX_PC_DIR}" "/prefix")
  string(REGEX REPLACE "/$" "" DX_PC_UP "${DX_PC_UP}")
  set(DX_PC_PREFIX "\${pcfiledir}/${DX_PC_UP}")
  set(DX_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(DX_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(DX_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
set(DX_PC_REQUIRES_PRIVATE "libcrypto libnghttp2 libbrotlidec libpcre2-8 libnghttp3")
if(ZLIB_FOUND)
  string(APPEND DX_PC_REQUIRES_PRIVATE " zlib")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/libdissect.pc.in ${PROJECT_BINARY_DIR}/libdissect.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/libdissect.pc DESTINATION ${DX_PC_DIR} COMPONENT devel)

if(DX_BUILD_CLI)
  install(TARGETS dissect_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT programs)
  install(FILES ${PROJECT_SOURCE_DIR}/docs/man/dissect.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
          COMPONENT programs)
endif()
if(TARGET dissect_tui)
  install(TARGETS dissect_tui RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT programs)
  install(FILES ${PROJECT_SOURCE_DIR}/docs/man/dissect-tui.1
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT programs)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/libdissect.3 DESTINATION ${CMAKE_INSTALL_MANDIR}/man3
        COMPONENT devel)
