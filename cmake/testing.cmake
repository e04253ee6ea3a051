# portico_test(name SOURCES a_test.cc ... DEPS lib ... LABELS unit|contract|integration)
# One GoogleTest executable, registered with CTest per test case (gtest_discover_tests), with
# the tier as a CTest label so ./test can run tiers in one pass.
include(GoogleTest)
function(portico_test name)
  if(NOT PORTICO_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE PORTICO_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${name} PROPERTIES LABELS "${T_LABELS}" DISCOVERY_TIMEOUT 30)
endfunction()
