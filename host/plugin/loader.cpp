// SPDX-License-Identifier: Apache-2.0
#include "plugin/loader.hpp"

#include <boost/dll/shared_library.hpp>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <mutex>

namespace atsync::host::plugin {
namespace {

// Libraries are never unloaded before exit: code unloaded while any object it made is alive crashes, and
// refused libraries may already have run static constructors. The registry is deliberately never destroyed.
void keepLoaded(boost::dll::shared_library library) {
  static auto* registry = new std::vector<boost::dll::shared_library>();  // NOLINT: intentionally leaked
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  registry->push_back(std::move(library));
}

// A cheap look at the file before dlopen, so common mistakes get a precise message.
std::optional<std::string> precheckFile(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::string("not a regular file");
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return "cannot read file size (" + ec.message() + ")";
  if (size == 0) return std::string("empty file (expected an ELF shared library)");
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  in.read(magic, sizeof magic);
  if (!in || magic[0] != 0x7f || magic[1] != 'E' || magic[2] != 'L' || magic[3] != 'F') {
    return std::string("not an ELF shared library");
  }
  return std::nullopt;
}

template <class Fn>
std::optional<std::string> callPlugin(std::string_view what, Fn&& fn) {
  try {
    fn();
    return std::nullopt;
  } catch (const std::exception& e) {
    return std::string(what) + " threw an exception: " + e.what();
  } catch (...) {
    return std::string(what) + " threw a non-standard exception";
  }
}

std::string errorMessageOf(const atsync_buffer& buffer) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(std::string_view(reinterpret_cast<const char*>(buffer.data), buffer.size), ec);
  if (!ec) {
    if (const auto* o = doc.if_object()) {
      if (const auto* m = o->if_contains("message"); m && m->is_string()) return std::string(m->get_string());
    }
  }
  return "(no error document)";
}

}  // namespace

Expected<PluginPtr, LoadError> loadPlugin(const std::filesystem::path& path, const LoaderOptions& options) {
  std::error_code ec;
  // Boost.DLL resolves a bare file name against the current directory only when it is absolute.
  const auto file = std::filesystem::absolute(path, ec);
  auto refuse = [&](std::string reason) { return unexpected(LoadError{file, std::move(reason)}); };

  if (auto problem = precheckFile(file)) return refuse(*problem);

  boost::dll::shared_library library;
  try {
    // rtld_now: an unresolved symbol fails here, cleanly, instead of killing the process at the first call.
    library.load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return refuse(std::string("cannot load: ") + e.what());
  }
  keepLoaded(library);

  if (!library.has(ATSYNC_PLUGIN_ENTRY_SYMBOL)) {
    return refuse(std::string("missing entry symbol '") + ATSYNC_PLUGIN_ENTRY_SYMBOL + "' (not an atsync plugin?)");
  }
  auto entry = library.get<const atsync_plugin_api*()>(ATSYNC_PLUGIN_ENTRY_SYMBOL);

  const atsync_plugin_api* api = nullptr;
  if (auto thrown = callPlugin("entry point", [&] { api = entry(); })) return refuse(*thrown);
  if (api == nullptr) return refuse("entry point returned no function table");

  // The version header is frozen across majors: read it, and nothing else, before deciding.
  const atsync_version_header& header = api->header;
  if (header.struct_size < sizeof(atsync_version_header)) {
    return refuse("function table is too small (" + std::to_string(header.struct_size) + " bytes)");
  }
  const AbiVersion found{header.abi_major, header.abi_minor};
  if (auto why = incompatibility(options.host_abi, found)) {
    return refuse(*why + ": expected ABI " + std::to_string(options.host_abi.major) + ".x with x <= " +
                  std::to_string(options.host_abi.minor) + ", found " + found.str());
  }
  // Then the size, still before reading any slot: every 1.0 slot must be there (a truncated table would have the
  // host call whatever lies past its end), and a size its minor cannot have means the header is not what it says.
  if (auto why = pluginTableSizeProblem(header.struct_size, found)) return refuse(*why);
  if (api->on_describe == nullptr || api->on_instance_create == nullptr || api->on_instance_destroy == nullptr ||
      api->on_invoke == nullptr || api->on_buffer_free == nullptr) {
    return refuse("function table has an empty slot");
  }

  atsync_buffer description{nullptr, 0};
  atsync_status status = ATSYNC_STATUS_ERROR;
  if (auto thrown = callPlugin("describe", [&] { status = api->on_describe(&description); })) return refuse(*thrown);
  const std::string text(reinterpret_cast<const char*>(description.data), description.size);
  if (status != ATSYNC_STATUS_OK) {
    const std::string message = errorMessageOf(description);
    api->on_buffer_free(&description);
    return refuse("describe failed: " + message);
  }
  api->on_buffer_free(&description);

  auto manifest = parseManifest(text);
  if (!manifest) return refuse("invalid description: " + manifest.error());
  return std::make_shared<const LoadedPlugin>(file, api, found, std::move(*manifest));
}

PluginPtr PluginSet::find(std::string_view name) const {
  for (const auto& p : plugins) {
    if (p->name() == name) return p;
  }
  return nullptr;
}

Expected<PluginSet, std::string> loadDirectory(const std::filesystem::path& dir, const LoaderOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return unexpected("plugin directory '" + dir.string() + "' does not exist or is not a directory");
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".so") files.push_back(entry.path());
  }
  if (ec) return unexpected("cannot list plugin directory '" + dir.string() + "': " + ec.message());
  std::sort(files.begin(), files.end());  // deterministic order: the first of two same-named plugins wins

  PluginSet set;
  for (const auto& file : files) {
    auto loaded = loadPlugin(file, options);
    if (!loaded) {
      set.refused.push_back(std::move(loaded.error()));
      continue;
    }
    if (auto existing = set.find((*loaded)->name())) {
      set.refused.push_back(LoadError{(*loaded)->file(), "plugin name '" + (*loaded)->name() +
                                                             "' is already provided by " + existing->file().string()});
      continue;
    }
    set.plugins.push_back(std::move(*loaded));
  }
  return set;
}

Expected<PluginSet, std::string> loadDirectories(const std::vector<std::filesystem::path>& dirs,
                                                 const LoaderOptions& options) {
  if (dirs.empty()) return unexpected(std::string("no plugin directory given"));
  PluginSet all;
  for (const auto& dir : dirs) {
    auto set = loadDirectory(dir, options);
    if (!set) return unexpected(set.error());
    for (auto& refused : set->refused) all.refused.push_back(std::move(refused));
    for (auto& plugin : set->plugins) {
      if (auto existing = all.find(plugin->name())) {
        all.refused.push_back(LoadError{plugin->file(), "plugin name '" + plugin->name() +
                                                            "' is already provided by " + existing->file().string() +
                                                            " (an earlier folder of plugins.dir)"});
        continue;
      }
      all.plugins.push_back(std::move(plugin));
    }
  }
  return all;
}

}  // namespace atsync::host::plugin
