// SPDX-License-Identifier: Apache-2.0
// `atsync invoke`: one operation of one connector, run through the same host as `atsync run` builds (config,
// credentials, the connection's HTTP lane with its rate limit), its answer printed as JSON. For plugin authors
// and for the SDK's conformance kit (sdk/testkit), which drives plugins through it.
#include "app/host_app.hpp"
#include "cli/commands.hpp"
#include "cli/loaded_config.hpp"
#include "config/schema_directory.hpp"
#include "config/sdk_schemas.hpp"
#include "runtime/bound_connector.hpp"

#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

namespace atsync::host::cli {
namespace {

constexpr const char* kVerb = "atsync invoke: ";

std::optional<std::vector<std::uint8_t>> readFile(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Prints the schema violations of `document` to stderr; returns their number.
std::size_t reportViolations(const config::SchemaDirectory& schemas, const std::string& ref,
                             const boost::json::value& document, const std::string& what) {
  const auto errors = schemas.validate(ref, document, what);
  for (const auto& e : errors) {
    std::cerr << kVerb << "schema " << ref << ": " << e.message << " (at '" << e.pointer << "')\n";
  }
  return errors.size();
}

}  // namespace

int runInvoke(const Arguments& args) {
  const auto file = args.value("--config");
  const auto connection_id = args.value("--connection");
  const auto side = args.value("--side");
  if (!file || !connection_id || !side || args.positionals().size() != 1) {
    std::cerr << kVerb << "needs -c FILE, --connection ID, --side ats|platform and one OPERATION (see 'atsync invoke "
                          "--help')\n";
    return 2;
  }
  if (*side != "ats" && *side != "platform") {
    std::cerr << kVerb << "--side must be 'ats' or 'platform', not '" << *side << "'\n";
    return 2;
  }
  const std::string operation = args.positionals().front();

  boost::json::value input = boost::json::object{};
  if (auto text = args.value("--input")) {
    boost::system::error_code ec;
    input = boost::json::parse(*text, ec);
    if (ec || !input.is_object()) {
      std::cerr << kVerb << "--input must be a JSON object, found '" << *text << "'\n";
      return 2;
    }
  }
  std::vector<std::uint8_t> bytes;
  if (auto bytes_file = args.value("--bytes")) {
    auto read = readFile(*bytes_file);
    if (!read) {
      std::cerr << kVerb << "cannot read --bytes file '" << *bytes_file << "'\n";
      return 2;
    }
    bytes = std::move(*read);
  }
  int repeat = 1;
  if (auto text = args.value("--repeat")) {
    char* end = nullptr;
    const long n = std::strtol(text->c_str(), &end, 10);
    if (end == text->c_str() || *end != '\0' || n < 1 || n > 100000) {
      std::cerr << kVerb << "--repeat takes an integer from 1 to 100000, not '" << *text << "'\n";
      return 2;
    }
    repeat = static_cast<int>(n);
  }
  // Every answer is checked by the host anyway (runtime/answer_check.hpp) and an answer off its schema fails the
  // call; --check-schema instead prints the document and every problem, and exits 3. The schemas are the ones built
  // into this binary unless --schema-dir names another SDK's.
  std::optional<config::SchemaDirectory> other_schemas;
  const config::SchemaDirectory* schemas = nullptr;
  if (args.flag("--check-schema")) {
    schemas = &config::sdkSchemas();
    if (auto dir = args.value("--schema-dir")) {
      auto loaded = config::SchemaDirectory::load(*dir);
      if (!loaded) {
        std::cerr << kVerb << loaded.error() << "\n";
        return 2;
      }
      other_schemas = std::move(*loaded);
      schemas = &*other_schemas;
    }
  }

  auto loaded = loadConfigForVerb("invoke", *file, pluginDirsOption(args, "invoke"));
  if (!loaded) return 2;
  if (loaded->connection(*connection_id) == nullptr) {
    std::cerr << kVerb << "no connection '" << *connection_id << "' in " << *file << "\n";
    return 2;
  }
  auto app = app::HostApp::create(loaded->config, std::move(loaded->plugins));
  if (!app) {
    std::cerr << kVerb << app.error() << "\n";
    return 2;
  }
  auto* lane = (*app)->lanes().find(*connection_id);
  if (lane == nullptr) {
    std::cerr << kVerb << "connection '" << *connection_id << "' is disabled in " << *file << "\n";
    return 2;
  }
  runtime::BoundConnector& connector = *side == "ats" ? lane->ats() : lane->platform();

  // "describe" is not an operation: it prints the description the host read from the plugin.
  if (operation == "describe") {
    const boost::json::value description = connector.plugin().manifest().document;
    std::cout << boost::json::serialize(description) << "\n";
    if (schemas && reportViolations(*schemas, "describe.schema.json", description, "description") != 0) return 3;
    return 0;
  }

  // One attempt per call, as the engine's dispatcher makes it: the error document is what the dispatcher would
  // classify (retryable, outcome_unknown, retry_after_ms). --repeat calls again at once, through the same lane and
  // rate limiter (a burst as `atsync run` would send it).
  for (int i = 0; i < repeat; ++i) {
    auto out = schemas != nullptr ? connector.invokeUnchecked(operation, input, bytes)
                                  : connector.invoke(operation, input, bytes);
    if (!out) {
      const boost::json::value error = boost::json::value_from(out.error());
      std::cout << boost::json::serialize(error) << "\n";
      if (schemas && reportViolations(*schemas, "error.schema.json", error, "error") != 0) return 3;
      return 1;
    }
    if (i + 1 < repeat) continue;
    std::cout << boost::json::serialize(out->document) << "\n";
    if (auto bytes_out = args.value("--bytes-out")) {
      std::ofstream f(*bytes_out, std::ios::binary | std::ios::trunc);
      f.write(reinterpret_cast<const char*>(out->bytes.data()), static_cast<std::streamsize>(out->bytes.size()));
      if (!f) {
        std::cerr << kVerb << "cannot write --bytes-out file '" << *bytes_out << "'\n";
        return 2;
      }
    }
    if (schemas) {
      const std::string ref = "answers.schema.json#/$defs/" + operation;
      if (schemas->find("answers.schema.json") != nullptr &&
          schemas->find("answers.schema.json")->as_object().at("$defs").as_object().contains(operation)) {
        if (reportViolations(*schemas, ref, out->document, "answer") != 0) return 3;
      } else {
        std::cerr << kVerb << "no answer schema for '" << operation << "' in " << schemas->dir().string()
                  << " (not checked)\n";
      }
    }
  }
  return 0;
}

}  // namespace atsync::host::cli
