/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The atsync plugin ABI, version 1: the only binary contract between the host and a connector plugin.
 *
 * Rules (see docs/architecture.md):
 *  - Plain C. Nothing but the types below crosses: no C++ type, exception, std::string, Boost or Poco object.
 *  - Payloads are UTF-8 JSON documents whose shapes are the versioned schemas in sdk/schema/.
 *  - Names say who implements what: `on_*` slots are implemented by the plugin and called by the host;
 *    `callback_*` slots are implemented by the host and called by the plugin.
 *  - Every function table starts with the same version header {struct_size, abi_major, abi_minor}. That header
 *    is frozen across all majors. Tables only grow at the end; a reader uses a slot only if struct_size covers it.
 *  - A plugin exports exactly one symbol, ATSYNC_PLUGIN_ENTRY_SYMBOL. The host reads the version header before
 *    calling anything else and refuses a different major, or a newer minor than its own.
 *  - Buffers are released by the side that allocated them: atsync_buffer values produced by the plugin are
 *    released with the plugin's on_buffer_free, those produced by the host with the host's callback_buffer_free.
 *  - No function may let an exception or longjmp escape.
 */
#ifndef ATSYNC_SDK_ABI_H
#define ATSYNC_SDK_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Major version: changes only when a released slot changes meaning or layout. */
#define ATSYNC_ABI_VERSION_MAJOR 1
/** Minor version: grows when slots are appended to a table. */
#define ATSYNC_ABI_VERSION_MINOR 0

/** The one symbol a plugin exports: a function of type atsync_plugin_entry_fn. */
#define ATSYNC_PLUGIN_ENTRY_SYMBOL "atsync_plugin_entry"

#if defined(_WIN32)
#define ATSYNC_PLUGIN_EXPORT __declspec(dllexport)
#else
#define ATSYNC_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/** Status codes returned by every fallible slot. */
typedef int32_t atsync_status;
/** Success; output arguments are filled. */
#define ATSYNC_STATUS_OK 0
/** Failure; the error output (if the slot has one) holds an error document (sdk/schema/error.schema.json). */
#define ATSYNC_STATUS_ERROR 1
/** The key, object or operation does not exist. No error document is required. */
#define ATSYNC_STATUS_NOT_FOUND 2

/** Log levels for callback_log. */
typedef int32_t atsync_log_level;
#define ATSYNC_LOG_DEBUG 0
#define ATSYNC_LOG_INFO 1
#define ATSYNC_LOG_WARN 2
#define ATSYNC_LOG_ERROR 3

/**
 * A byte buffer handed from one side to the other. The receiver owns it after the call returns and must
 * release it exactly once with the allocating side's free slot (a zeroed buffer needs no release).
 * For JSON documents the bytes are UTF-8 and not NUL-terminated.
 */
typedef struct atsync_buffer {
  uint8_t* data;
  size_t size;
} atsync_buffer;

/** Opaque per-instance handle owned by the host; passed back to every host callback. */
typedef struct atsync_host_context atsync_host_context;
/** Opaque connector instance owned by the plugin. */
typedef struct atsync_instance atsync_instance;

/** The version header every table starts with. Frozen across all majors. */
typedef struct atsync_version_header {
  /** sizeof the whole table as the writer compiled it. */
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
} atsync_version_header;

/**
 * Services the host offers a plugin instance. The host keeps this table and the context alive until
 * on_instance_destroy has returned for the instance it was given to. Calls may come from any thread,
 * but never concurrently for one instance unless the plugin made them so.
 */
typedef struct atsync_host_api {
  atsync_version_header header;

  /** Writes one log line attributed to this instance. `message` is borrowed for the call. */
  void (*callback_log)(atsync_host_context* context, atsync_log_level level, const char* message, size_t message_size);

  /**
   * Reports an error the plugin could not return any other way (for instance, a failure inside a destructor).
   * `error_json` is an error document, borrowed for the call.
   */
  void (*callback_report_error)(atsync_host_context* context, const char* error_json, size_t error_json_size);

  /**
   * Executes an HTTP request described by `request_json` (sdk/schema/http-request.schema.json) with an optional
   * raw body (`body`, borrowed for the call; may be NULL when body_size is 0). The host adds credentials, enforces
   * the rate limit, applies timeouts and TLS verification. On ATSYNC_STATUS_OK `*response_json` holds an
   * http-response document (any HTTP status, including 4xx/5xx) and `*response_body` the raw response body. On
   * ATSYNC_STATUS_ERROR (no response: DNS, connect, TLS, timeout) `*response_json` holds an error document and
   * `*response_body` is empty. Both outputs are host-owned: release with callback_buffer_free.
   */
  atsync_status (*callback_http)(atsync_host_context* context, const char* request_json, size_t request_json_size,
                                 const uint8_t* body, size_t body_size, atsync_buffer* response_json,
                                 atsync_buffer* response_body);

  /**
   * Reads a value from the instance's durable key-value state. Returns ATSYNC_STATUS_NOT_FOUND when the key is
   * absent. `*value` is host-owned: release with callback_buffer_free.
   */
  atsync_status (*callback_state_get)(atsync_host_context* context, const char* key, size_t key_size,
                                      atsync_buffer* value);

  /** Writes (value non-NULL) or deletes (value NULL) a key of the instance's durable state. Borrowed inputs. */
  atsync_status (*callback_state_put)(atsync_host_context* context, const char* key, size_t key_size,
                                      const uint8_t* value, size_t value_size);

  /** The host's clock: milliseconds since the Unix epoch (tests may run it on a fake clock). */
  int64_t (*callback_clock_now_ms)(atsync_host_context* context);

  /** Releases a buffer the host allocated. Accepts a zeroed buffer. */
  void (*callback_buffer_free)(atsync_buffer* buffer);
} atsync_host_api;

/**
 * What a plugin implements. The table is static: it lives as long as the library, which the host never unloads
 * before exit.
 */
typedef struct atsync_plugin_api {
  atsync_version_header header;

  /**
   * Describes the plugin (sdk/schema/describe.schema.json): name, version, role, capabilities, config schema,
   * OAuth endpoints, rate-limit policy, webhook signature scheme, default stages. Plugin-owned output.
   * On ATSYNC_STATUS_ERROR `*description_json` holds an error document.
   */
  atsync_status (*on_describe)(atsync_buffer* description_json);

  /**
   * Creates an instance from the plugin's own config section (JSON object, borrowed for the call). `host` and
   * `context` stay valid until on_instance_destroy returns. On ATSYNC_STATUS_ERROR `*instance` is NULL and
   * `*error_json` holds an error document (plugin-owned).
   */
  atsync_status (*on_instance_create)(const atsync_host_api* host, atsync_host_context* context,
                                      const char* config_json, size_t config_json_size, atsync_instance** instance,
                                      atsync_buffer* error_json);

  /** Destroys an instance. The host makes no call on the instance after this. */
  void (*on_instance_destroy)(atsync_instance* instance);

  /**
   * Runs one operation (sdk/schema/operations.md names them) with a JSON input document and optional raw bytes
   * (for file uploads), all borrowed for the call. On ATSYNC_STATUS_OK `*output_json` holds the result document
   * and `*output_bytes` optional raw bytes (file downloads); on ATSYNC_STATUS_ERROR `*output_json` holds an error
   * document; an unknown operation yields an error document with code "not_supported". Outputs are plugin-owned.
   */
  atsync_status (*on_invoke)(atsync_instance* instance, const char* operation, size_t operation_size,
                             const char* input_json, size_t input_json_size, const uint8_t* input_bytes,
                             size_t input_bytes_size, atsync_buffer* output_json, atsync_buffer* output_bytes);

  /** Releases a buffer the plugin allocated. Accepts a zeroed buffer. */
  void (*on_buffer_free)(atsync_buffer* buffer);
} atsync_plugin_api;

/** The type of the exported entry symbol. Returns the plugin's static table; never NULL for a valid plugin. */
typedef const atsync_plugin_api* (*atsync_plugin_entry_fn)(void);

/* Layout pins: these sizes are part of the contract on LP64 platforms. */
#if defined(__cplusplus)
static_assert(sizeof(atsync_version_header) == 8, "version header layout is frozen");
static_assert(offsetof(atsync_host_api, callback_log) == 8, "host table layout");
static_assert(sizeof(void*) != 8 || sizeof(atsync_host_api) == 8 + 7 * 8, "host table v1.0 layout");
static_assert(sizeof(void*) != 8 || sizeof(atsync_plugin_api) == 8 + 5 * 8, "plugin table v1.0 layout");
static_assert(sizeof(void*) != 8 || sizeof(atsync_buffer) == 16, "buffer layout");
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(atsync_version_header) == 8, "version header layout is frozen");
_Static_assert(offsetof(atsync_host_api, callback_log) == 8, "host table layout");
_Static_assert(sizeof(void*) != 8 || sizeof(atsync_host_api) == 8 + 7 * 8, "host table v1.0 layout");
_Static_assert(sizeof(void*) != 8 || sizeof(atsync_plugin_api) == 8 + 5 * 8, "plugin table v1.0 layout");
_Static_assert(sizeof(void*) != 8 || sizeof(atsync_buffer) == 16, "buffer layout");
#endif

#ifdef __cplusplus
}
#endif

#endif /* ATSYNC_SDK_ABI_H */
