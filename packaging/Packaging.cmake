# The installed layout beyond the binaries, and the Debian packages (CPack). Included by the
# top-level CMakeLists.txt after everything that installs.
#
#   eventstreams       /usr/bin/eventstreams, <libdir>/eventstreams/plugins/*.so,
#                      /etc/eventstreams/{config,streams}.yaml (conffiles), the systemd unit,
#                      the man page; Depends computed by dpkg-shlibdeps
#   eventstreams-dev   the plugin SDK: include/eventstreams/, the CMake package
#                      EventStreamsPluginSDK, the examples; Depends: eventstreams (= version)
#
# Packages are built with scripts/package.sh (prefix /usr, Debian's build flags, no tests).
# Paths follow GNUInstallDirs: with the prefix /usr, libdir is the multiarch one and the
# config goes to /etc; with any other prefix, everything stays under it.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  find_package(PkgConfig QUIET)
  set(unit_dir "")
  if(PkgConfig_FOUND)
    pkg_get_variable(unit_dir systemd systemdsystemunitdir)
  endif()
  if(NOT unit_dir)
    set(unit_dir /lib/systemd/system)
  endif()
else()
  set(unit_dir ${CMAKE_INSTALL_LIBDIR}/systemd/system)
endif()
set(ES_SYSTEMD_UNIT_DIR "${unit_dir}" CACHE STRING "Where the systemd unit is installed")
set(ES_CONFIG_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/eventstreams)
set(ES_PACKAGE_MAINTAINER "EventStreams developers <eventstreams-dev@example.org>" CACHE STRING
    "Maintainer field of the Debian packages (and of their changelog)")

set(gen ${CMAKE_BINARY_DIR}/packaging)
configure_file(${CMAKE_CURRENT_LIST_DIR}/eventstreams.service.in ${gen}/eventstreams.service @ONLY)
configure_file(${CMAKE_CURRENT_LIST_DIR}/eventstreams.1.in ${gen}/eventstreams.1 @ONLY)

# Debian wants the changelog and the man page compressed with gzip -9n (no name, no time).
# The date honours SOURCE_DATE_EPOCH.
string(TIMESTAMP ES_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
function(es_gzip in out)
  execute_process(COMMAND gzip -9nc ${in} OUTPUT_FILE ${out} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${in} failed")
  endif()
endfunction()
foreach(ES_DEB_PACKAGE eventstreams eventstreams-dev)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/changelog.in ${gen}/${ES_DEB_PACKAGE}/changelog @ONLY)
  es_gzip(${gen}/${ES_DEB_PACKAGE}/changelog ${gen}/${ES_DEB_PACKAGE}/changelog.gz)
  install(FILES ${gen}/${ES_DEB_PACKAGE}/changelog.gz ${CMAKE_CURRENT_LIST_DIR}/copyright
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${ES_DEB_PACKAGE} COMPONENT ${ES_DEB_PACKAGE})
endforeach()
es_gzip(${gen}/eventstreams.1 ${gen}/eventstreams.1.gz)

# eventstreams: the conffiles (a production template, not the development demo), the unit,
# the man page. The binary and the plugins install themselves (default component).
install(FILES ${CMAKE_CURRENT_LIST_DIR}/config.yaml ${CMAKE_CURRENT_LIST_DIR}/streams.yaml
        DESTINATION ${ES_CONFIG_DIR} COMPONENT eventstreams)
install(FILES ${gen}/eventstreams.service DESTINATION ${ES_SYSTEMD_UNIT_DIR} COMPONENT eventstreams)
install(FILES ${gen}/eventstreams.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT eventstreams)

# eventstreams-dev: the examples, to build against the installed SDK (their READMEs say how).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/eventstreams-dev/examples
        COMPONENT eventstreams-dev
        PATTERN "build*" EXCLUDE)

# The maintainer scripts and the conffiles list.
file(WRITE ${gen}/debian/conffiles "${ES_CONFIG_DIR}/config.yaml\n${ES_CONFIG_DIR}/streams.yaml\n")
foreach(script postinst prerm postrm)
  file(COPY ${CMAKE_CURRENT_LIST_DIR}/debian/${script} DESTINATION ${gen}/debian
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                        WORLD_READ WORLD_EXECUTE)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME eventstreams)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${ES_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL eventstreams eventstreams-dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ES_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_EVENTSTREAMS_PACKAGE_NAME eventstreams)
set(CPACK_DEBIAN_EVENTSTREAMS_PACKAGE_SECTION net)
set(CPACK_DEBIAN_EVENTSTREAMS_PACKAGE_SHLIBDEPS ON)
# adduser for postinst; the shared libraries' packages are added by dpkg-shlibdeps.
set(CPACK_DEBIAN_EVENTSTREAMS_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_EVENTSTREAMS_PACKAGE_CONTROL_EXTRA
    ${gen}/debian/conffiles ${gen}/debian/postinst ${gen}/debian/prerm ${gen}/debian/postrm)
set(CPACK_DEBIAN_EVENTSTREAMS_DESCRIPTION
"Kafka topics to HTTP clients as Server-Sent Events
EventStreams serves Kafka topics to HTTP clients as Server-Sent Events
and newline-delimited JSON, wire-compatible with Wikimedia's EventStreams:
clients resume exactly with Last-Event-ID, one shared Kafka consumer and
one encoding per event serve every client at the live head, and sources,
transforms and response formats are plugins that a site drops in without
rebuilding the server.
.
This package has the server, its plugins (Kafka source, SSE and NDJSON
encoders, filter and redaction transforms), a config template in
/etc/eventstreams and a systemd unit, enabled but not started before
Kafka is configured.")

set(CPACK_DEBIAN_EVENTSTREAMS-DEV_PACKAGE_NAME eventstreams-dev)
set(CPACK_DEBIAN_EVENTSTREAMS-DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_EVENTSTREAMS-DEV_PACKAGE_DEPENDS "eventstreams (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_EVENTSTREAMS-DEV_PACKAGE_RECOMMENDS "cmake, g++")
set(CPACK_DEBIAN_EVENTSTREAMS-DEV_DESCRIPTION
"plugin SDK of EventStreams
The headers and the CMake package EventStreamsPluginSDK to build
EventStreams plugins out of tree: sources, transforms and response
encoders that the installed server loads from its plugin directory. The
headers carry the server's ABI identity: a plugin built against them
loads in the server of the same version, one built against other headers
is refused with a message that says so.
.
The examples, a text/plain encoder and a transform, are in
/usr/share/doc/eventstreams-dev/examples.")

include(CPack)
