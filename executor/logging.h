// The executor's own log: one line per action, on stdout (as upstream, once
// settings are read), every line passed through the Redactor.
#pragma once

namespace executor {

// Installs the default logger. Safe to call again to change verbosity.
void SetUpLogging(bool debug);

}  // namespace executor
