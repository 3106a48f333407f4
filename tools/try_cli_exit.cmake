# Runs kata-try's command-line form with ARGS (separated by '|') and checks its
# exit code (EXPECTED) and what it printed: with 0, stdout matches PATTERN; with
# anything else, stderr is one line ("kata try ...") matching PATTERN and stdout
# is empty: bad input gets one clear line, never a crash or a stack trace.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${KATA_TRY}" ${args}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE code)
set(report "kata-try ${ARGS}\nexit: ${code}\nstdout:\n${out}\nstderr:\n${err}")
if(NOT code STREQUAL "${EXPECTED}")
  message(FATAL_ERROR "exited ${code}, expected ${EXPECTED}\n${report}")
endif()
if(EXPECTED STREQUAL "0")
  if(NOT out MATCHES "${PATTERN}")
    message(FATAL_ERROR "stdout does not match '${PATTERN}'\n${report}")
  endif()
else()
  if(NOT err MATCHES "^kata try[^\n]*\n$")
    message(FATAL_ERROR "stderr is not one line starting 'kata try'\n${report}")
  endif()
  if(NOT err MATCHES "${PATTERN}")
    message(FATAL_ERROR "stderr does not match '${PATTERN}'\n${report}")
  endif()
  if(NOT out STREQUAL "")
    message(FATAL_ERROR "a refusal printed on stdout\n${report}")
  endif()
endif()
message(STATUS "exited ${code} as expected")
