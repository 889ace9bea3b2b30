# EmbedShaders.cmake: writes the GLSL sources in shaders/ into one C++ header as raw string
# literals, so the wasm carries them and no file is fetched at run time.
#   cmake -DOUT=<header> -DDIR=<shaders folder> -P EmbedShaders.cmake
# A file "points.vert" becomes rapport::shaders::points_vert.
file(GLOB SOURCES "${DIR}/*.vert" "${DIR}/*.frag")
list(SORT SOURCES)
set(text "// Generated from shaders/ by cmake/EmbedShaders.cmake: do not edit.\n#pragma once\n\nnamespace rapport::shaders {\n")
foreach(source IN LISTS SOURCES)
  get_filename_component(name "${source}" NAME)
  string(REPLACE "." "_" name "${name}")
  file(READ "${source}" body)
  string(APPEND text "inline constexpr const char ${name}[] = R\"glsl(${body})glsl\";\n")
endforeach()
string(APPEND text "}  // namespace rapport::shaders\n")
file(WRITE "${OUT}.tmp" "${text}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
