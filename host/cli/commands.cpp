// SPDX-License-Identifier: Apache-2.0
#include "cli/commands.hpp"

#include <iostream>
#include <system_error>

namespace atsync::host::cli {

namespace {

constexpr const char* kPluginsHelp = "plugin folder, repeatable for several (default: plugins.dir of the config)";

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {{"run", "atsync run -c FILE [--plugins DIR]",
        "Serves the configuration: webhook ingress, the sync engine and reconciliation polls, until SIGTERM or\n"
        "SIGINT (work in progress finishes; accepted events stay queued for the next start).",
        {{"--config", "-c", "FILE", "configuration file (YAML)"},
         {"--plugins", "", "DIR", kPluginsHelp}}},
       &runServe},
      {{"import", "atsync import -c FILE --connection ID [--plugins DIR]",
        "Imports the ATS's opportunities into the platform as linked candidates. Resumable: run it again after\n"
        "an interruption and it continues from the last page.",
        {{"--config", "-c", "FILE", "configuration file (YAML)"},
         {"--connection", "", "ID", "connection id from the config"},
         {"--plugins", "", "DIR", kPluginsHelp}}},
       &runImport},
      {{"status", "atsync status -c FILE [--json]",
        "Shows each connection's linked candidates, inbox and command counts, and recent activity.",
        {{"--config", "-c", "FILE", "configuration file (YAML)"},
         {"--plugins", "", "DIR", kPluginsHelp},
         {"--json", "", "", "machine-readable output"}}},
       &runStatus},
      {{"dead-letters", "atsync dead-letters -c FILE [--connection ID] [--retry ID | --all]",
        "Lists commands that failed for good, with their last error; --retry queues one again, --all every one.",
        {{"--config", "-c", "FILE", "configuration file (YAML)"},
         {"--connection", "", "ID", "only this connection"},
         {"--retry", "", "ID", "queue this dead letter again"},
         {"--all", "", "", "queue every dead letter again"},
         {"--plugins", "", "DIR", kPluginsHelp}}},
       &runDeadLetters},
      {{"reconcile", "atsync reconcile -c FILE --connection ID --since TIME",
        "Reads both sides of a connection again from TIME (RFC 3339, e.g. 2026-12-03T09:00:00Z): the way out of a\n"
        "reconciliation gap a vendor reported. What was applied already is not applied twice. A running host polls\n"
        "within seconds; otherwise the next start does.",
        {{"--config", "-c", "FILE", "configuration file (YAML)"},
         {"--connection", "", "ID", "connection id from the config"},
         {"--since", "", "TIME", "start of the window to read again (RFC 3339)"},
         {"--plugins", "", "DIR", kPluginsHelp}}},
       &runReconcile},
      {{"reseal", "atsync reseal -c FILE",
        "Seals every value the store keeps encrypted (OAuth tokens, plugin state) again with encryption_key, in one\n"
        "transaction; values sealed with previous_encryption_keys or stored in plaintext before are included. The\n"
        "last step of a key rotation: afterwards previous_encryption_keys can be removed. Fails, changing nothing,\n"
        "when a value opens with none of the configured keys.",
        {{"--config", "-c", "FILE", "configuration file (YAML)"},
         {"--plugins", "", "DIR", kPluginsHelp}}},
       &runReseal},
      {{"plugins", "atsync plugins [--plugins DIR]... [--json]",
        "Lists the connector plugins of one or several folders: name, version, role, capabilities, ABI version and\n"
        "file. Plugins that cannot be loaded are listed on stderr with the reason; the exit code is then 1.",
        {{"--plugins", "", "DIR", "plugin folder, repeatable (default: ../plugins next to this binary)"},
         {"--dir", "-d", "DIR", "deprecated spelling of --plugins (still accepted)"},
         {"--json", "", "", "machine-readable output"}}},
       &runPlugins},
      {{"check", "atsync check -c FILE [--plugins DIR]",
        "Validates a configuration file and the plugins it names; prints a summary, or every error found\n"
        "as file:line:col: message.",
        {{"--config", "-c", "FILE", "configuration file (YAML)"},
         {"--plugins", "", "DIR", kPluginsHelp}}},
       &runCheck},
      {{"postings", "atsync postings -c FILE --connection ID [--json]",
        "Lists the published postings (public and internal channels) of a connection's ATS.",
        {{"--config", "-c", "FILE", "configuration file (YAML)"},
         {"--connection", "", "ID", "connection id from the config"},
         {"--plugins", "", "DIR", kPluginsHelp},
         {"--json", "", "", "machine-readable output"}}},
       &runPostings},
      {{"invoke",
        "atsync invoke -c FILE --connection ID --side ats|platform OPERATION [--input JSON] [--bytes FILE]\n"
        "              [--bytes-out FILE] [--check-schema [--schema-dir DIR]] [--repeat N]",
        "Runs one operation of a connection's connector (sdk/schema/operations.md) through the host's real HTTP,\n"
        "auth and rate-limit stack, one attempt, and prints the answer document as JSON on stdout. The pseudo-operation\n"
        "'describe' prints the plugin's description. Exit codes: 0 answer; 1 error answer (the error document is\n"
        "printed, and an answer off its SDK schema is such an error); 2 bad usage, config or plugin; 3 --check-schema\n"
        "found the document off the SDK schemas (the document on stdout, every problem on stderr).",
        {{"--config", "-c", "FILE", "configuration file (YAML)"},
         {"--connection", "", "ID", "connection id from the config"},
         {"--side", "", "SIDE", "ats or platform: which connector of the connection"},
         {"--input", "", "JSON", "the operation's input object (default {})"},
         {"--bytes", "", "FILE", "bytes sent beside the input (file.add, webhook.parse body)"},
         {"--bytes-out", "", "FILE", "where to write the bytes of the answer (resume.content)"},
         {"--check-schema", "", "", "validate the answer (or error) against the SDK schemas"},
         {"--schema-dir", "", "DIR", "another SDK's schema folder for --check-schema (default: the schemas built into atsync)"},
         {"--repeat", "", "N", "call N times in a row through the same lane (a burst); prints the last answer or first error"},
         {"--plugins", "", "DIR", kPluginsHelp}}},
       &runInvoke},
      {{"demo", "atsync demo [--ats NAME] [--plugins DIR] [--bin DIR] [--keep]",
        "Runs the sandbox scenario on this machine (atsync-demo, next to this binary in a dev build) and reports "
        "what happened on each side.",
        {{"--ats", "", "NAME", "the ATS sandbox of the story (atsync-demo --help names them)"},
         {"--plugins", "", "DIR", "plugin folder (default: ../plugins next to this binary)"},
         {"--bin", "", "DIR", "where atsync and the sandbox programs are (default: this binary's folder)"},
         {"--keep", "", "", "leave the demo's temporary folder (config, store, logs) and print its path"}}},
       &runDemo},
  };
  return kCommands;
}

std::filesystem::path defaultPluginDir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "plugins";
  return (exe.parent_path().parent_path() / "plugins").lexically_normal();
}

std::vector<std::filesystem::path> pluginDirsOption(const Arguments& args, std::string_view verb) {
  std::vector<std::filesystem::path> dirs;
  for (const auto& v : args.values("--plugins")) dirs.emplace_back(v);
  const auto old_spelling = args.values("--dir");
  if (!old_spelling.empty()) {
    std::cerr << "atsync " << verb << ": --dir is deprecated; use --plugins DIR, the plugin folder flag of every verb\n";
    for (const auto& v : old_spelling) dirs.emplace_back(v);
  }
  return dirs;
}

}  // namespace atsync::host::cli
