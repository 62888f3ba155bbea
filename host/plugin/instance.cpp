// SPDX-License-Identifier: Apache-2.0
#include "plugin/instance.hpp"

#include "plugin/answer_arena.hpp"

#include <atsync/sdk/detail/json_io.hpp>

#include <exception>

namespace atsync::host::plugin {
namespace {

sdk::Error internalError(std::string message) {
  return sdk::Error{std::string(sdk::errc::kInternal), std::move(message), false, std::nullopt, false};
}

/// A plugin-owned buffer, released with the plugin's free slot however the call ends.
class PluginBuffer {
 public:
  explicit PluginBuffer(const atsync_plugin_api& api) : api_(api) {}
  PluginBuffer(const PluginBuffer&) = delete;
  PluginBuffer& operator=(const PluginBuffer&) = delete;
  ~PluginBuffer() { api_.on_buffer_free(&buffer_); }
  atsync_buffer* out() { return &buffer_; }
  std::string_view view() const { return {reinterpret_cast<const char*>(buffer_.data), buffer_.size}; }
  const atsync_buffer& raw() const { return buffer_; }

 private:
  const atsync_plugin_api& api_;
  atsync_buffer buffer_{nullptr, 0};
};

/// Reads a plugin-owned buffer as an error document (in a call arena: an Error owns its strings).
sdk::Error readError(const PluginBuffer& buffer, std::string_view what) {
  sdk::detail::CallArena<1024> arena;
  boost::system::error_code ec;
  auto doc = sdk::detail::parseInto(buffer.view(), arena.storage(), ec);
  if (ec || !doc.is_object()) return internalError(std::string(what) + " failed without a valid error document");
  return boost::json::value_to<sdk::Error>(doc);
}

}  // namespace

Expected<std::unique_ptr<Instance>, sdk::Error> Instance::create(PluginPtr plugin,
                                                                 std::unique_ptr<InstanceServices> services,
                                                                 const boost::json::object& config) {
  std::unique_ptr<Instance> instance(new Instance(std::move(plugin), std::move(services)));
  const auto& api = instance->plugin_->api();
  const sdk::detail::JsonText<> text(config);
  PluginBuffer error(api);
  atsync_status status = ATSYNC_STATUS_ERROR;
  try {
    status = api.on_instance_create(&hostApi(), reinterpret_cast<atsync_host_context*>(instance->services_.get()),
                                    text.data(), text.size(), &instance->handle_, error.out());
  } catch (const std::exception& e) {
    return unexpected(internalError("plugin '" + instance->plugin_->name() + "' threw while creating an instance: " + e.what()));
  } catch (...) {
    return unexpected(internalError("plugin '" + instance->plugin_->name() + "' threw while creating an instance"));
  }
  if (status != ATSYNC_STATUS_OK || instance->handle_ == nullptr) {
    instance->handle_ = nullptr;
    return unexpected(readError(error, "creating an instance"));
  }
  return instance;
}

Instance::~Instance() {
  if (handle_ == nullptr) return;
  try {
    plugin_->api().on_instance_destroy(handle_);
  } catch (const std::exception& e) {
    services_->log(ATSYNC_LOG_ERROR, std::string("plugin threw while destroying an instance: ") + e.what());
  } catch (...) {
    services_->log(ATSYNC_LOG_ERROR, "plugin threw while destroying an instance");
  }
}

Expected<OperationOutput, sdk::Error> Instance::invoke(std::string_view operation, const boost::json::value& input,
                                                       std::span<const std::uint8_t> bytes) {
  const auto& api = plugin_->api();
  // The input is lent for the call: serialised onto the stack (the heap only past 4 KB), never into a string.
  const sdk::detail::JsonText<> text(input);
  PluginBuffer out_json(api);
  PluginBuffer out_bytes(api);
  atsync_status status = ATSYNC_STATUS_ERROR;
  // The label of an error is built only when there is one.
  const auto where = [&] { return "plugin '" + plugin_->name() + "' operation '" + std::string(operation) + "'"; };
  try {
    status = api.on_invoke(handle_, operation.data(), operation.size(), text.data(), text.size(), bytes.data(),
                           bytes.size(), out_json.out(), out_bytes.out());
  } catch (const std::exception& e) {
    return unexpected(internalError(where() + " threw: " + e.what()));
  } catch (...) {
    return unexpected(internalError(where() + " threw a non-standard exception"));
  }
  if (status != ATSYNC_STATUS_OK) return unexpected(readError(out_json, where()));
  std::vector<std::uint8_t> raw_bytes;
  if (out_bytes.raw().size != 0) raw_bytes.assign(out_bytes.raw().data, out_bytes.raw().data + out_bytes.raw().size);
  if (out_json.raw().size == 0) return OperationOutput{boost::json::object{}, std::move(raw_bytes)};
  // The answer leaves this call (the caller keeps it), so it goes into an arena that travels with it (see
  // answer_arena.hpp), not into a per-call one. It is move-constructed into the output: a move *assignment* onto
  // a value of another resource would copy it onto the default heap.
  boost::system::error_code ec;
  boost::json::value document = parseAnswer(out_json.view(), ec);
  if (ec) return unexpected(internalError(where() + " returned malformed JSON (" + ec.message() + ")"));
  return OperationOutput{std::move(document), std::move(raw_bytes)};
}

}  // namespace atsync::host::plugin
