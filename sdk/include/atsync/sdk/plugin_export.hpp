// SPDX-License-Identifier: Apache-2.0
#pragma once

// The edge between the C ABI and a C++ connector. ATSYNC_PLUGIN(Class) defines the plugin's one exported
// symbol and a static atsync_plugin_api whose slots catch every exception and report it as an error document.

#include <atsync/sdk/abi.h>
#include <atsync/sdk/connector.hpp>
#include <atsync/sdk/description.hpp>
#include <atsync/sdk/detail/buffers.hpp>
#include <atsync/sdk/detail/json_io.hpp>
#include <atsync/sdk/error.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>

namespace atsync::sdk::detail {

/// Runs `body`, turning any exception into ATSYNC_STATUS_ERROR with an error document in `error_out`.
template <class Body>
atsync_status guarded(atsync_buffer* error_out, Body&& body) noexcept {
  try {
    return body();
  } catch (const OperationError& e) {
    fillError(error_out, e.error());
  } catch (const std::bad_alloc&) {
    fillError(error_out, Error{std::string(errc::kInternal), "out of memory", true, std::nullopt, false});
  } catch (const std::exception& e) {
    fillError(error_out, Error{std::string(errc::kInternal), std::string("unexpected exception: ") + e.what(), false,
                               std::nullopt, false});
  } catch (...) {
    fillError(error_out, Error{std::string(errc::kInternal), "unexpected non-standard exception", false, std::nullopt, false});
  }
  return ATSYNC_STATUS_ERROR;
}

/// The size of the last output document serialised: where the next output buffer starts, so a steady stream of
/// similar answers is written in one malloc without realloc. One per plugin library, a relaxed atomic: it is only
/// a guess. (Not thread_local: a TLS block in a dlopen'd library crashes LeakSanitizer's tracer at exit.)
inline std::atomic<std::size_t>& outputSizeHint() noexcept {
  static std::atomic<std::size_t> hint{512};
  return hint;
}

/// The first block of an invoke's arena, on the plugin's stack: a ~1 KB document takes ~2.5 KB parsed and as much
/// again when the operation copies it (an echo), so 16 KB keeps typical calls in one block without a malloc.
inline constexpr std::size_t kInvokeArenaBytes = 16 * 1024;

template <class Plugin>
struct Bridge {
  static atsync_status describe(atsync_buffer* out) {
    return guarded(out, [&] {
      Description d = Plugin::describe();
      // A table the host cannot use whole is refused here, where the plugin can be named: the host refuses a
      // plugin whose describe fails, before any operation can be called.
      if (auto problem = operationTableProblem<Plugin>(d.name, Plugin::operations())) {
        throw OperationError(errc::kInternal, *problem);
      }
      d.capabilities = operationNames<Plugin>(Plugin::operations());
      fillJson(out, boost::json::value_from(d));
      return ATSYNC_STATUS_OK;
    });
  }

  static atsync_status create(const atsync_host_api* host, atsync_host_context* context, const char* config_json,
                              size_t config_size, atsync_instance** instance, atsync_buffer* error_out) {
    *instance = nullptr;
    return guarded(error_out, [&] {
      // The config is parsed onto the default heap, not into a call arena: a connector may keep (copy-construct)
      // parts of it for its whole life.
      boost::system::error_code ec;
      auto config = boost::json::parse(std::string_view(config_json, config_size), ec);
      if (ec || !config.is_object()) {
        throw OperationError(errc::kInvalidConfig, "plugin config is not a JSON object");
      }
      auto connector = std::make_unique<Plugin>(Host(host, context), config.get_object());
      *instance = reinterpret_cast<atsync_instance*>(connector.release());
      return ATSYNC_STATUS_OK;
    });
  }

  static void destroy(atsync_instance* instance) noexcept {
    // A throwing destructor cannot be reported anywhere useful after the fact; destructors must not throw.
    delete reinterpret_cast<Plugin*>(instance);
  }

  static atsync_status invoke(atsync_instance* instance, const char* operation, size_t operation_size,
                              const char* input_json, size_t input_size, const std::uint8_t* bytes, size_t bytes_size,
                              atsync_buffer* output_json, atsync_buffer* output_bytes) {
    output_bytes->data = nullptr;
    output_bytes->size = 0;
    return guarded(output_json, [&] {
      // One arena per call: the input document, and whatever the operation builds from it by copy construction
      // (an echo), live in it; `out` and `doc` are destroyed before it, at the end of this lambda. An operation
      // must not keep a copy-constructed value beyond its call (json_io.hpp states the rule).
      CallArena<kInvokeArenaBytes> arena;
      boost::system::error_code ec;
      boost::json::value doc = input_size == 0
                                   ? boost::json::value(boost::json::object(arena.storage()))
                                   : parseInto(std::string_view(input_json, input_size), arena.storage(), ec);
      if (ec) throw OperationError(errc::kInvalidInput, "input is not valid JSON: " + ec.message());
      auto& self = *reinterpret_cast<Plugin*>(instance);
      Output out = dispatch<Plugin>(self, Plugin::operations(), std::string_view(operation, operation_size),
                                    Input{doc, std::span<const std::uint8_t>(bytes, bytes_size)});
      const std::size_t hint = outputSizeHint().load(std::memory_order_relaxed);
      fillJson(output_json, out.document, hint + hint / 8 + 64);
      outputSizeHint().store(output_json->size, std::memory_order_relaxed);
      if (!out.bytes.empty()) {
        fillBuffer(output_bytes, std::string_view(reinterpret_cast<const char*>(out.bytes.data()), out.bytes.size()));
        if (output_bytes->data == nullptr) {
          freeBuffer(output_json);
          throw std::bad_alloc();
        }
      }
      return ATSYNC_STATUS_OK;
    });
  }

  static constexpr atsync_plugin_api kApi{
      {static_cast<std::uint32_t>(sizeof(atsync_plugin_api)), ATSYNC_ABI_VERSION_MAJOR, ATSYNC_ABI_VERSION_MINOR},
      &describe,
      &create,
      &destroy,
      &invoke,
      &freeBuffer,
  };
};

}  // namespace atsync::sdk::detail

/// Exports `PluginClass` as this library's connector. Use once per plugin library, at namespace scope.
#define ATSYNC_PLUGIN(PluginClass)                                                                  \
  extern "C" ATSYNC_PLUGIN_EXPORT const atsync_plugin_api* atsync_plugin_entry(void) {              \
    return &::atsync::sdk::detail::Bridge<PluginClass>::kApi;                                       \
  }
