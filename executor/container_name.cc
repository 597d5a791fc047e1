#include "executor/container_name.h"

#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/nil_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace executor {

std::string ContainerNameForTask(std::string_view task_id) {
  boost::uuids::name_generator_sha1 generator(boost::uuids::nil_uuid());
  return "mesos-" + boost::uuids::to_string(generator(task_id.data(), task_id.size()));
}

}  // namespace executor
