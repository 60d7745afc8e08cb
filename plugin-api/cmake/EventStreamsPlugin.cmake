# eventstreams_add_plugin(<name> SOURCES <files...> [LIBRARIES <targets...>])
#
# Builds a plugin as a MODULE named eventstreams-<name>.so with hidden visibility (only the
# descriptor symbol is exported), puts it where the host finds it and installs it. The same
# function serves out-of-tree plugins: include this file and point
# EVENTSTREAMS_PLUGIN_API_INCLUDE at the installed (or source) plugin-api/include.
function(eventstreams_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  set(target eventstreams-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(DEFINED ES_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ES_PLUGIN_OUTPUT_DIR})
  endif()
  if(TARGET eventstreams::plugin_api)
    target_link_libraries(${target} PRIVATE eventstreams::plugin_api)
  else()
    target_include_directories(${target} PRIVATE ${EVENTSTREAMS_PLUGIN_API_INCLUDE})
    target_compile_features(${target} PRIVATE cxx_std_20)
  endif()
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
    install(TARGETS ${target} LIBRARY DESTINATION ${ES_PLUGIN_INSTALL_DIR})
  endif()
endfunction()
