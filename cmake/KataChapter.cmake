# kata_add_chapter(NN topic [USES_REFERENCE]): everything one chapter needs,
# in one call. USES_REFERENCE lets the chapter's code call convkata::ref (for
# an exercise that builds on a tool an earlier chapter taught).
#
#   chapters/NN_topic/*.cpp    the stubs a learner edits (+ the chapter's header)
#   solutions/NN_topic/*.cpp   the model solutions, same file names
#   tests/chNN_topic.cpp       the chapter's doctest cases
#   tests/mistakes/NN_topic/*.patch   deliberate mistakes, as patches on the solution
#   <KATA_HIDDEN_TESTS>/chNN_topic*.cpp  an instructor's hidden tests (tests/hidden by default)
#
# The tests are compiled once and linked against the stubs (KATA_TRACK=learner)
# or the solutions (KATA_TRACK=solutions). Each doctest case becomes one ctest
# test named "chNN <case>" with the label chNN. On the solutions track every
# mistake patch is applied to a copy of the solution and linked against the
# same tests: the test "mistake chNN <name>" passes only if the chapter's tests
# fail on it.

function(kata_add_chapter number topic)
  cmake_parse_arguments(PARSE_ARGV 2 chapter "USES_REFERENCE" "" "")
  if(KATA_CHAPTERS AND NOT number IN_LIST KATA_CHAPTERS)
    return()
  endif()
  set(name "${number}_${topic}")
  set(ch "ch${number}")
  set(chapter_dir "${PROJECT_SOURCE_DIR}/chapters/${name}")
  set(solution_dir "${PROJECT_SOURCE_DIR}/solutions/${name}")
  set(test_source "${PROJECT_SOURCE_DIR}/tests/${ch}_${topic}.cpp")

  file(GLOB files RELATIVE "${chapter_dir}" CONFIGURE_DEPENDS "${chapter_dir}/*.cpp" "${chapter_dir}/*.cu")
  if(NOT files)
    message(FATAL_ERROR "chapters/${name} has no .cpp or .cu file to implement")
  endif()
  if(KATA_TRACK STREQUAL "solutions")
    set(impl_dir "${solution_dir}")
  else()
    set(impl_dir "${chapter_dir}")
  endif()
  set(impl_sources "")
  foreach(file IN LISTS files)
    if(NOT EXISTS "${impl_dir}/${file}")
      message(FATAL_ERROR "${impl_dir}/${file} is missing: the ${KATA_TRACK} track needs every file of chapters/${name}")
    endif()
    list(APPEND impl_sources "${impl_dir}/${file}")
  endforeach()

  # The tests, compiled once; the chapter's header comes from chapters/.
  add_library(${ch}_tests OBJECT "${test_source}")
  target_include_directories(${ch}_tests PUBLIC "${chapter_dir}")
  target_link_libraries(${ch}_tests PUBLIC kata_test_support)

  _kata_chapter_executable(${ch}_${topic} "${impl_sources}")
  kata_discover_tests(${ch}_${topic} TEST_PREFIX "${ch}/" PROPERTIES LABELS ${ch} TIMEOUT 60)

  # Hidden tests: the instructor's, left out of every student release and run
  # by the grader. They link against the same implementation as the chapter's
  # own tests, so they fail on the stubs and pass on the solutions like them.
  set(hidden_sources "")
  foreach(hidden_dir IN LISTS KATA_HIDDEN_TESTS)
    file(GLOB found CONFIGURE_DEPENDS "${hidden_dir}/${ch}_${topic}*.cpp")
    list(APPEND hidden_sources ${found})
  endforeach()
  if(hidden_sources)
    add_executable(${ch}_${topic}_hidden ${hidden_sources} $<TARGET_OBJECTS:kata_test_main>)
    target_include_directories(${ch}_${topic}_hidden PRIVATE "${chapter_dir}")
    target_link_libraries(${ch}_${topic}_hidden PRIVATE kata_test_support)
    _kata_link_chapter_code(${ch}_${topic}_hidden ${ch}_${topic})
    kata_discover_tests(${ch}_${topic}_hidden TEST_PREFIX "${ch}/hidden/" PROPERTIES TIMEOUT 60)
    kata_label_discovered_tests(${ch}_${topic}_hidden "${ch};hidden")
  endif()

  if(KATA_TRACK STREQUAL "solutions" AND KATA_MISTAKES)
    file(GLOB patches CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tests/mistakes/${name}/*.patch")
    foreach(patch IN LISTS patches)
      _kata_add_mistake("${patch}")
    endforeach()
  endif()
endfunction()

# One test executable: the chapter's test objects, the doctest runner and one
# implementation of the chapter. A .cu file is compiled for the CPU: a
# generated .cpp includes it with KATA_CUDA_ON_CPU, and its kernels run on
# convkata/cuda_on_cpu.hpp (nvcc builds the same file for the GPU elsewhere).
function(_kata_chapter_executable target sources)
  set(cpu_sources "")
  foreach(source IN LISTS sources)
    if(source MATCHES "\\.cu$")
      get_filename_component(file_name "${source}" NAME)
      set(wrapper "${CMAKE_CURRENT_BINARY_DIR}/cuda_on_cpu/${target}/${file_name}.cpp")
      file(CONFIGURE OUTPUT "${wrapper}" CONTENT
           "// ${source}, compiled for the CPU (convkata/cuda_on_cpu.hpp stands in for CUDA).\n#define KATA_CUDA_ON_CPU 1\n#include \"${source}\"\n")
      list(APPEND cpu_sources "${wrapper}")
    else()
      list(APPEND cpu_sources "${source}")
    endif()
  endforeach()
  add_library(${target}_impl STATIC ${cpu_sources})
  set_property(TARGET ${target}_impl PROPERTY KATA_SOURCES "${sources}")  # for a GPU build of the same files
  target_include_directories(${target}_impl PUBLIC "${chapter_dir}")
  target_link_libraries(${target}_impl PUBLIC convkata_core)
  if(chapter_USES_REFERENCE)
    target_link_libraries(${target}_impl PUBLIC convkata_reference)
  endif()
  target_precompile_headers(${target}_impl REUSE_FROM convkata_pch)
  # A stub names its parameters for the learner before it uses them.
  target_compile_options(${target}_impl PRIVATE -Wno-unused-parameter)

  add_executable(${target} $<TARGET_OBJECTS:${ch}_tests> $<TARGET_OBJECTS:kata_test_main>)
  target_link_libraries(${target} PRIVATE kata_test_support)
  _kata_link_chapter_code(${target} ${target})
endfunction()

# Links a test program to a chapter's code (the target <impl>_impl): in the
# same process, or with KATA_BOUNDARY (grading trees) through the boundary of
# tests/boundary/: the program gets the proxy of tests/boundary/chNN_topic.cpp
# and the code goes into its own confined, statically linked program
# <impl>_server, which holds nothing else.
function(_kata_link_chapter_code program impl)
  if(NOT KATA_BOUNDARY)
    target_link_libraries(${program} PRIVATE ${impl}_impl)
    return()
  endif()
  set(boundary_file "${PROJECT_SOURCE_DIR}/tests/boundary/${ch}_${topic}.cpp")
  if(NOT EXISTS "${boundary_file}")
    message(FATAL_ERROR "KATA_BOUNDARY: tests/boundary/${ch}_${topic}.cpp is missing (chapter ${ch}'s functions)")
  endif()
  target_sources(${program} PRIVATE "${boundary_file}")
  target_include_directories(${program} PRIVATE "${chapter_dir}")
  target_link_libraries(${program} PRIVATE kata_boundary_client)
  target_compile_definitions(${program} PRIVATE KATA_BOUNDARY_SERVER_NAME="${impl}_server")
  if(NOT TARGET ${impl}_server)
    add_executable(${impl}_server "${boundary_file}")
    target_link_libraries(${impl}_server PRIVATE kata_boundary_server ${impl}_impl)
    target_compile_definitions(${impl}_server PRIVATE KATA_BOUNDARY_SERVER)
    # Static: the program opens no file, not even a shared library, so the
    # filter can refuse every open from its first instruction.
    target_link_options(${impl}_server PRIVATE -static)
  endif()
  add_dependencies(${program} ${impl}_server)
endfunction()

# A mistake: the solution with one patch applied (at configure time, with
# `git apply`, into the build tree), built against the chapter's tests.
function(_kata_add_mistake patch)
  get_filename_component(mistake "${patch}" NAME_WE)
  set(work_dir "${CMAKE_CURRENT_BINARY_DIR}/mistakes/${name}/${mistake}/work")
  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/mistakes/${name}/${mistake}/src")
  file(REMOVE_RECURSE "${work_dir}")
  file(MAKE_DIRECTORY "${work_dir}")
  foreach(file IN LISTS files)
    file(COPY "${solution_dir}/${file}" DESTINATION "${work_dir}")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${solution_dir}/${file}")
  endforeach()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${patch}")
  find_package(Git REQUIRED QUIET)
  execute_process(COMMAND "${GIT_EXECUTABLE}" apply --unsafe-paths -p1 "${patch}"
                  WORKING_DIRECTORY "${work_dir}" RESULT_VARIABLE failed ERROR_VARIABLE why)
  if(failed)
    message(FATAL_ERROR "The mistake ${patch} no longer applies to solutions/${name}:\n${why}"
                        "Update the patch (diff -u against the current solution).")
  endif()
  file(MAKE_DIRECTORY "${out_dir}")
  set(sources "")
  foreach(file IN LISTS files)
    file(COPY_FILE "${work_dir}/${file}" "${out_dir}/${file}" ONLY_IF_DIFFERENT)
    list(APPEND sources "${out_dir}/${file}")
  endforeach()

  set(target ${ch}_mistake_${mistake})
  _kata_chapter_executable(${target} "${sources}")
  # A mistake often leaves a variable of the solution unused.
  target_compile_options(${target}_impl PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wno-unused-variable -Wno-unused-but-set-variable>)
  add_test(NAME "mistake ${ch} ${mistake}" COMMAND ${target})
  set_tests_properties("mistake ${ch} ${mistake}" PROPERTIES WILL_FAIL TRUE LABELS mistake TIMEOUT 120)
endfunction()

# Gives the tests that doctest_discover_tests finds in `target` several labels.
# (doctest_discover_tests flattens a list given in PROPERTIES, so the labels
# are set on its list of discovered tests once ctest has read it.)
function(kata_label_discovered_tests target labels)
  set(file "${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake")
  file(WRITE "${file}"
       "if(${target}_TESTS)\n"
       "  set_tests_properties(\${${target}_TESTS} PROPERTIES LABELS \"${labels}\")\n"
       "endif()\n")
  # In the directory that discovers them, after doctest's own include file.
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${file}")
endfunction()

# doctest_discover_tests, unless KATA_DISCOVER_TESTS is OFF. Discovery runs
# each test program right after it is linked (to list its cases), so the
# grader, which builds students' code, turns it off once it has the list:
# a program that hangs or crashes at start-up must not stall or fail a build.
function(kata_discover_tests target)
  if(KATA_DISCOVER_TESTS)
    doctest_discover_tests(${target} ${ARGN})
  endif()
endfunction()
