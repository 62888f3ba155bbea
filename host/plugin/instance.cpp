// SPDX-License-Identifier: Apache-2.0
#include "plugin/instance.hpp"

#include <exception>

namespace atsync::host::plugin {
namespace {

sdk::Error internalError(std::string message) {
  return sdk::Error{std::string(sdk::errc::kInternal), std::move(message), false, std::nullopt, false};
}

/// Reads a plugin-owned buffer as an error document and releases it.
sdk::Error takeError(const atsync_plugin_api& api, atsync_buffer& buffer, std::string_view what) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(std::string_view(reinterpret_cast<const char*>(buffer.data), buffer.size), ec);
  api.on_buffer_free(&buffer);
  if (ec || !doc.is_object()) return internalError(std::string(what) + " failed without a valid error document");
  return boost::json::value_to<sdk::Error>(doc);
}

}  // namespace

Expected<std::unique_ptr<Instance>, sdk::Error> Instance::create(PluginPtr plugin,
                                                                 std::unique_ptr<InstanceServices> services,
                                                                 const boost::json::object& config) {
  std::unique_ptr<Instance> instance(new Instance(std::move(plugin), std::move(services)));
  const auto& api = instance->plugin_->api();
  const std::string text = boost::json::serialize(config);
  atsync_buffer error{nullptr, 0};
  atsync_status status = ATSYNC_STATUS_ERROR;
  try {
    status = api.on_instance_create(&hostApi(), reinterpret_cast<atsync_host_context*>(instance->services_.get()),
                                    text.data(), text.size(), &instance->handle_, &error);
  } catch (const std::exception& e) {
    return unexpected(internalError("plugin '" + instance->plugin_->name() + "' threw while creating an instance: " + e.what()));
  } catch (...) {
    return unexpected(internalError("plugin '" + instance->plugin_->name() + "' threw while creating an instance"));
  }
  if (status != ATSYNC_STATUS_OK || instance->handle_ == nullptr) {
    instance->handle_ = nullptr;
    return unexpected(takeError(api, error, "creating an instance"));
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
  const std::string text = boost::json::serialize(input);
  atsync_buffer out_json{nullptr, 0};
  atsync_buffer out_bytes{nullptr, 0};
  atsync_status status = ATSYNC_STATUS_ERROR;
  const std::string where = "plugin '" + plugin_->name() + "' operation '" + std::string(operation) + "'";
  try {
    status = api.on_invoke(handle_, operation.data(), operation.size(), text.data(), text.size(), bytes.data(),
                           bytes.size(), &out_json, &out_bytes);
  } catch (const std::exception& e) {
    return unexpected(internalError(where + " threw: " + e.what()));
  } catch (...) {
    return unexpected(internalError(where + " threw a non-standard exception"));
  }
  if (status != ATSYNC_STATUS_OK) {
    api.on_buffer_free(&out_bytes);
    return unexpected(takeError(api, out_json, where));
  }
  OperationOutput output;
  output.bytes.assign(out_bytes.data, out_bytes.data + out_bytes.size);
  api.on_buffer_free(&out_bytes);
  boost::system::error_code ec;
  output.document = out_json.size == 0
                        ? boost::json::value(boost::json::object{})
                        : boost::json::parse(std::string_view(reinterpret_cast<const char*>(out_json.data), out_json.size), ec);
  api.on_buffer_free(&out_json);
  if (ec) return unexpected(internalError(where + " returned malformed JSON (" + ec.message() + ")"));
  return output;
}

}  // namespace atsync::host::plugin
