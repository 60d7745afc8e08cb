# eventstreams_add_plugin(<name> SOURCES <files...> [LIBRARIES <targets...>])
#
# Builds a plugin as a MODULE named libeventstreams-<name>.so with hidden visibility (only the
# descriptor symbol is exported) against EventStreams::plugin_api. The same function builds
# the in-tree plugins and, shipped in the SDK, out-of-tree ones:
#
#   find_package(EventStreamsPluginSDK 0.1 REQUIRED)
#   eventstreams_add_plugin(my-encoder SOURCES my_encoder.cpp)
#
# In the project's tree the plugin lands in the build tree's plugins/ (beside the host) and
# installs with the host; out of tree it installs into EVENTSTREAMS_PLUGIN_INSTALL_DIR (the
# installed host's plugin directory unless set otherwise).
include_guard(GLOBAL)

function(eventstreams_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT TARGET EventStreams::plugin_api)
    message(FATAL_ERROR "eventstreams_add_plugin: no target EventStreams::plugin_api; "
                        "call find_package(EventStreamsPluginSDK) first")
  endif()
  set(target eventstreams-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(DEFINED ES_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ES_PLUGIN_OUTPUT_DIR})
  endif()
  target_link_libraries(${target} PRIVATE EventStreams::plugin_api)
  if(ARG_LIBRARIES)
    target_link_libraries(${target} PRIVATE ${ARG_LIBRARIES})
  endif()
  # No undefined symbols: a plugin links everything it uses, never the host. (Not under
  # sanitizers: their runtime lives in the executable, not in each shared object.)
  if(NOT ES_SANITIZE)
    target_link_options(${target} PRIVATE -Wl,--no-undefined)
  endif()
  set_property(GLOBAL APPEND PROPERTY ES_PLUGIN_TARGETS ${target})
  if(DEFINED ES_PLUGIN_INSTALL_DIR)
    install(TARGETS ${target} LIBRARY DESTINATION ${ES_PLUGIN_INSTALL_DIR} COMPONENT eventstreams)
  elseif(EVENTSTREAMS_PLUGIN_INSTALL_DIR)
    install(TARGETS ${target} LIBRARY DESTINATION ${EVENTSTREAMS_PLUGIN_INSTALL_DIR})
  endif()
endfunction()
