# portico_embed(TARGET name NAMESPACE ns FILES f1 f2 ...)
# Generates a C++ source that holds each file's bytes as a std::string_view constant named after
# the file (non-alphanumerics become '_'), plus a lookup by file name, so the binary carries its
# templates, static assets, migrations and word lists and needs no install tree.
set(PORTICO_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_file.cmake)

function(portico_embed)
  cmake_parse_arguments(E "" "TARGET;NAMESPACE;HEADER" "FILES" ${ARGN})
  set(out_cc ${CMAKE_CURRENT_BINARY_DIR}/${E_TARGET}.cc)
  set(abs_files)
  foreach(f ${E_FILES})
    get_filename_component(abs ${f} ABSOLUTE)
    list(APPEND abs_files ${abs})
  endforeach()
  string(REPLACE ";" "|" joined "${abs_files}")
  add_custom_command(
    OUTPUT ${out_cc}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cc} -DNAMESPACE=${E_NAMESPACE} -DHEADER=${E_HEADER}
            "-DFILES=${joined}" -P ${PORTICO_EMBED_SCRIPT}
    DEPENDS ${abs_files} ${PORTICO_EMBED_SCRIPT}
    COMMENT "Embedding ${E_TARGET}"
    VERBATIM)
  add_library(${E_TARGET} STATIC ${out_cc})
  target_include_directories(${E_TARGET} PUBLIC ${PROJECT_SOURCE_DIR}/src)
endfunction()
