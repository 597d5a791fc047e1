// Sanitizer settings built into the sanitized executor (SIDECAR_SANITIZE).
//
// The agent, fake or real, starts the executor with a fresh environment, so
// ASAN_OPTIONS never reaches it. These defaults make a finding there fail
// the test that started it: a distinct exit status, which the integration
// tests check, and ASan's report (leaks included) in the build's
// sanitizer-logs directory, which scripts/sanitize.sh checks, since the
// executor's stderr lands in a sandbox no test reads on success. UBSan's
// report stays on stderr: beside ASan, g++'s UBSan runtime ignores log_path.
// Options in the environment still override these, one by one.

#ifndef SIDECAR_SANITIZER_LOG_DIR
#error "SIDECAR_SANITIZER_LOG_DIR names the directory for the sanitizer reports"
#endif

// exitcode 86 is no status the executor or a test uses on its own.
extern "C" const char* __asan_default_options() {
  return "detect_leaks=1:halt_on_error=1:exitcode=86:print_stacktrace=1:log_path=" SIDECAR_SANITIZER_LOG_DIR
         "/executor-asan";
}

extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1:exitcode=86"; }
