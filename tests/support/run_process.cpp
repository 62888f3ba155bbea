// SPDX-License-Identifier: Apache-2.0
#include "run_process.hpp"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <thread>

namespace atsync::testing {

ProcessResult runProcess(const std::string& program, const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env, const std::string& working_dir) {
  Poco::Pipe out_pipe;
  Poco::Pipe err_pipe;
  Poco::Process::Env process_env(env.begin(), env.end());
  auto handle = Poco::Process::launch(program, args, working_dir.empty() ? std::string(ATSYNC_BUILD_DIR) : working_dir,
                                      nullptr, &out_pipe, &err_pipe, process_env);
  ProcessResult result;
  // Both streams are drained concurrently so a chatty child never blocks on a full pipe.
  std::thread err_reader([&] {
    Poco::PipeInputStream err(err_pipe);
    Poco::StreamCopier::copyToString(err, result.err);
  });
  Poco::PipeInputStream out(out_pipe);
  Poco::StreamCopier::copyToString(out, result.out);
  err_reader.join();
  result.exit_code = handle.wait();
  return result;
}

std::string atsyncBinary() { return std::string(ATSYNC_BUILD_DIR) + "/bin/atsync"; }
std::string pluginDir() { return std::string(ATSYNC_BUILD_DIR) + "/plugins"; }

}  // namespace atsync::testing
