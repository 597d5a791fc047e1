# executor_pure: the executor's pure decisions (settings, Go value syntax,
# TaskInfo -> container mapping). No I/O, no logging: warnings and errors
# are returned as data. Included from executor/CMakeLists.txt.
add_library(executor_pure STATIC
  ${CMAKE_CURRENT_LIST_DIR}/go_duration.cc
  ${CMAKE_CURRENT_LIST_DIR}/go_values.cc
  ${CMAKE_CURRENT_LIST_DIR}/go_strings.cc
  ${CMAKE_CURRENT_LIST_DIR}/settings.cc
  ${CMAKE_CURRENT_LIST_DIR}/container_name.cc
  ${CMAKE_CURRENT_LIST_DIR}/docker_size.cc
  ${CMAKE_CURRENT_LIST_DIR}/docker_parameters.cc
  ${CMAKE_CURRENT_LIST_DIR}/task_spec.cc
  ${CMAKE_CURRENT_LIST_DIR}/resource_limits.cc
  ${CMAKE_CURRENT_LIST_DIR}/container_mapping.cc)
# Boost::headers brings the header-only uuid generator; docker brings the
# image reference grammar (pure, shared with the pull).
target_link_libraries(executor_pure PUBLIC base docker Boost::json Boost::headers)
