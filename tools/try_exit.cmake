# Runs kata-try --json --impl reference on REQUEST and checks its exit code
# (EXPECTED) and its answer: an "error" key when it refuses, "shape" when not.
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/kata-try-request-${NUMBER}.json" "${REQUEST}")
execute_process(COMMAND "${KATA_TRY}" --json --impl reference
                INPUT_FILE "${CMAKE_CURRENT_BINARY_DIR}/kata-try-request-${NUMBER}.json"
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE code)
if(NOT code STREQUAL "${EXPECTED}")
  message(FATAL_ERROR "kata-try exited ${code}, expected ${EXPECTED}\nrequest: ${REQUEST}\nstdout: ${out}\nstderr: ${err}")
endif()
string(JSON error ERROR_VARIABLE no_error GET "${out}" error)
if(EXPECTED STREQUAL "0")
  string(JSON shape ERROR_VARIABLE no_shape GET "${out}" shape)
  if(no_shape)
    message(FATAL_ERROR "kata-try exited 0 without a \"shape\": ${out}")
  endif()
elseif(no_error)
  message(FATAL_ERROR "kata-try exited ${code} without an \"error\" key: ${out}")
endif()
message(STATUS "kata-try exited ${code} as expected: ${out}")
