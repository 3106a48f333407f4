# The scratch workbook kata-cli's tests run on (cmake -P, the fixture of
# cli_tests.cpp): SCRATCH becomes a copy of the workbook at SOURCE - the files
# git tracks and the new ones it does not ignore, as `git ls-files | tar`
# would copy them - configured as a learner build of chapters 01 and 02
# without CUDA, with those two chapters built and the board shown once (which
# keeps the shipped stubs in SCRATCH/.kata/pristine, as a learner's first
# ./kata does).
#
# The copy is kept between runs and only files that differ are copied again,
# so that the second run rebuilds nothing: the first build of even two
# chapters (Eigen's precompiled header, the reference, the test support) is
# most of a minute on two cores. -O0 keeps that first build short.
#
#   cmake -DSOURCE=... -DSCRATCH=... -DGENERATOR=... -DKATA_CLI=... -P cli_scratch.cmake
cmake_minimum_required(VERSION 3.25)

set(files "")
find_program(GIT_EXECUTABLE git)
if(GIT_EXECUTABLE AND EXISTS "${SOURCE}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" -c core.quotepath=off ls-files --cached --others --exclude-standard
                  WORKING_DIRECTORY "${SOURCE}" OUTPUT_VARIABLE listing RESULT_VARIABLE failed)
  if(NOT failed)
    string(REPLACE "\n" ";" files "${listing}")
  endif()
endif()
if(NOT files)
  # A copy without .git (a release): everything but the build trees and the learner's state.
  file(GLOB top RELATIVE "${SOURCE}" "${SOURCE}/*")
  foreach(entry IN LISTS top)
    if(entry MATCHES "^(build|\\.kata|\\.git)$")
      continue()
    elseif(IS_DIRECTORY "${SOURCE}/${entry}")
      file(GLOB_RECURSE inside RELATIVE "${SOURCE}" "${SOURCE}/${entry}/*")
      list(APPEND files ${inside})
    else()
      list(APPEND files "${entry}")
    endif()
  endforeach()
endif()

foreach(file IN LISTS files)
  # (A file deleted from the working tree is still in git's index: skip it.)
  if(file STREQUAL "" OR NOT EXISTS "${SOURCE}/${file}" OR IS_DIRECTORY "${SOURCE}/${file}")
    continue()
  endif()
  get_filename_component(folder "${SCRATCH}/${file}" DIRECTORY)
  file(MAKE_DIRECTORY "${folder}")
  file(COPY_FILE "${SOURCE}/${file}" "${SCRATCH}/${file}" ONLY_IF_DIFFERENT)
endforeach()
# The learner's state starts afresh: no hints shown, no backups, stubs kept anew below.
file(REMOVE_RECURSE "${SCRATCH}/.kata")

set(build "${SCRATCH}/build/learner")
if(NOT EXISTS "${build}/CMakeCache.txt")
  execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SCRATCH}" -B "${build}" -G "${GENERATOR}"
                          -DKATA_TRACK=learner -DKATA_MISTAKES=OFF "-DKATA_CHAPTERS=01;02" -DKATA_CUDA=OFF
                          -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0"
                  OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE failed)
  if(failed)
    file(REMOVE "${build}/CMakeCache.txt")
    message(FATAL_ERROR "configuring the scratch workbook failed:\n${out}")
  endif()
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${build}" --target ch01_conv1d ch02_stride
                OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "building chapters 01 and 02 of the scratch workbook failed:\n${out}")
endif()
execute_process(COMMAND "${KATA_CLI}" --root "${SCRATCH}" OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "kata-cli's board on the scratch workbook failed (exit ${failed}):\n${out}")
endif()
message(STATUS "The scratch workbook is ready in ${SCRATCH}:\n${out}")
