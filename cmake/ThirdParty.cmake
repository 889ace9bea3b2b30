# Third-party libraries built from the sources scripts/setup.sh fetched (Debian source
# packages) and headers from Debian's -dev packages. No warnings of ours apply here.

# ---- SQLite 3.46.1 (amalgamation) ----------------------------------------------------
add_library(sqlite3 STATIC ${RAPPORT_THIRD_PARTY}/sqlite/sqlite3.c)
target_include_directories(sqlite3 SYSTEM PUBLIC ${RAPPORT_THIRD_PARTY}/sqlite)
target_compile_definitions(sqlite3 PRIVATE
  SQLITE_DQS=0 SQLITE_DEFAULT_MEMSTATUS=0 SQLITE_OMIT_DEPRECATED SQLITE_OMIT_SHARED_CACHE
  SQLITE_DEFAULT_FOREIGN_KEYS=1 SQLITE_ENABLE_FTS5 SQLITE_ENABLE_MATH_FUNCTIONS SQLITE_THREADSAFE=0
  SQLITE_OMIT_LOAD_EXTENSION)
if(NOT RAPPORT_WEB)
  find_package(Threads REQUIRED)
  target_link_libraries(sqlite3 PUBLIC ${CMAKE_DL_LIBS})
endif()

# ---- Dear ImGui 1.90.1 (core; the backends are compiled by the platform layer) ------
set(IMGUI_DIR ${RAPPORT_THIRD_PARTY}/imgui)
add_library(imgui STATIC
  ${IMGUI_DIR}/imgui.cpp ${IMGUI_DIR}/imgui_draw.cpp ${IMGUI_DIR}/imgui_tables.cpp
  ${IMGUI_DIR}/imgui_widgets.cpp ${CMAKE_SOURCE_DIR}/src/ui/imgui_assert.cpp)
target_include_directories(imgui SYSTEM PUBLIC ${IMGUI_DIR})
target_include_directories(imgui PRIVATE ${CMAKE_SOURCE_DIR}/src)
# Our configuration: ImGui's checks go to a handler (src/ui/imgui_config.h).
target_compile_definitions(imgui PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS IMGUI_DISABLE_DEMO_WINDOWS
  "IMGUI_USER_CONFIG=\"${CMAKE_SOURCE_DIR}/src/ui/imgui_config.h\"")

# ---- Header-only: Eigen 3.4, LBFGS++, doctest ----------------------------------------
add_library(eigen INTERFACE)
target_include_directories(eigen SYSTEM INTERFACE /usr/include/eigen3 ${RAPPORT_THIRD_PARTY}/include/lbfgspp)
target_compile_definitions(eigen INTERFACE EIGEN_MPL2_ONLY)

add_library(doctest_headers INTERFACE)
target_include_directories(doctest_headers SYSTEM INTERFACE ${RAPPORT_THIRD_PARTY}/include/doctest)
