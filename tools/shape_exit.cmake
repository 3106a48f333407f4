# Runs kata-shape with ARGS (separated by '|') and checks its exit code
# (EXPECTED) and what it printed: with 0 (an answer) or 1 (--solve found no
# value), stdout matches PATTERN and stderr is empty; with 2, stderr is one
# line ("kata shape: ...") matching PATTERN and stdout is empty: bad input
# gets one clear line, never a crash or a stack trace.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${KATA_SHAPE}" ${args}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE code)
set(report "kata-shape ${ARGS}\nexit: ${code}\nstdout:\n${out}\nstderr:\n${err}")
if(NOT code STREQUAL "${EXPECTED}")
  message(FATAL_ERROR "exited ${code}, expected ${EXPECTED}\n${report}")
endif()
if(EXPECTED STREQUAL "0" OR EXPECTED STREQUAL "1")
  if(NOT out MATCHES "${PATTERN}")
    message(FATAL_ERROR "stdout does not match '${PATTERN}'\n${report}")
  endif()
  if(NOT err STREQUAL "")
    message(FATAL_ERROR "an answer printed on stderr\n${report}")
  endif()
else()
  if(NOT err MATCHES "^kata shape: [^\n]*\n$")
    message(FATAL_ERROR "stderr is not one line starting 'kata shape: '\n${report}")
  endif()
  if(NOT err MATCHES "${PATTERN}")
    message(FATAL_ERROR "stderr does not match '${PATTERN}'\n${report}")
  endif()
  if(NOT out STREQUAL "")
    message(FATAL_ERROR "a refusal printed on stdout\n${report}")
  endif()
endif()
message(STATUS "exited ${code} as expected")
