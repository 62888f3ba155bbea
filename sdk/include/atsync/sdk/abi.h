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
 *  - Threads: the host calls on_invoke of one instance from several threads at once; see "Threading" below.
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
/** Minor version: grows when slots are appended to a table or the documents gain fields (1.1: the
 *  oauth2_client_credentials auth kind, stages that belong to a job, the partner platform's name, rate-limit
 *  headers; sdk/schema/operations.md). A plugin built for an older minor of the same major still loads. */
#define ATSYNC_ABI_VERSION_MINOR 1

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
  /**
   * sizeof the whole table as the writer compiled it: the size of the ABI 1.<abi_minor> table, no more, no less.
   * A reader refuses a table smaller than the 1.0 table (ATSYNC_PLUGIN_API_SIZE_1_0, ATSYNC_HOST_API_SIZE_1_0)
   * and uses a slot appended after 1.0 only if struct_size covers it.
   */
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
} atsync_version_header;

/**
 * Services the host offers a plugin instance. The host keeps this table and the context alive until
 * on_instance_destroy has returned for the instance it was given to. Every callback is thread-safe: a plugin may
 * call any of them from any thread (the host's threads running on_invoke, or threads of its own), concurrently,
 * for one instance or several, until on_instance_destroy returns. callback_buffer_free may release a buffer on a
 * thread other than the one that received it. No callback calls back into the plugin.
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
 *
 * Threading. The host runs a plugin's slots on its own threads, and several at once:
 *  - on_invoke of ONE instance is called from several threads concurrently (webhook.parse on ingress threads
 *    while a lane's worker runs actions; `atsync import` runs its commands on a pool). The plugin must make
 *    everything an invoke touches thread-safe: the instance's mutable state, and any state shared between
 *    instances or kept by the library (statics, caches, counters). The host makes no promise about which thread,
 *    how many at once, or in which order two concurrent invokes on one instance start or finish.
 *  - Inputs are read-only and unchanged for the duration of the call (two calls may be lent the same bytes);
 *    the output buffers are distinct per call, so filling them needs no lock.
 *  - on_instance_create returns before, and happens-before, every on_invoke of the instance it created; every
 *    on_invoke of an instance returns before, and happens-before, its on_instance_destroy. So create and destroy
 *    never overlap an invoke of the same instance, and state written in create and only read afterwards needs no
 *    synchronisation.
 *  - Different instances are independent: create, invoke and destroy of one may run concurrently with any slot of
 *    another instance of the same library.
 *  - on_describe may be called at any time, from any thread, concurrently with any other slot.
 *  - on_buffer_free may be called from any thread, concurrently, for buffers of any instance and of on_describe;
 *    not necessarily on the thread that filled the buffer.
 *  - The host never calls into the plugin from inside a host callback, so a plugin that holds its own lock while
 *    it calls the host cannot deadlock against the host.
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
   *
   * Called concurrently from several threads on the same instance (see "Threading" above): the plugin makes the
   * instance, and anything else the call touches, safe for that. The host guarantees only that no invoke overlaps
   * on_instance_create or on_instance_destroy of the same instance.
   */
  atsync_status (*on_invoke)(atsync_instance* instance, const char* operation, size_t operation_size,
                             const char* input_json, size_t input_json_size, const uint8_t* input_bytes,
                             size_t input_bytes_size, atsync_buffer* output_json, atsync_buffer* output_bytes);

  /** Releases a buffer the plugin allocated. Accepts a zeroed buffer. */
  void (*on_buffer_free)(atsync_buffer* buffer);
} atsync_plugin_api;

/** The type of the exported entry symbol. Returns the plugin's static table; never NULL for a valid plugin. */
typedef const atsync_plugin_api* (*atsync_plugin_entry_fn)(void);

/**
 * The sizes of the ABI 1.0 tables, fixed for the whole major: a table smaller than these lacks a 1.0 slot and is
 * refused. Written as the end of the last 1.0 slot, so appending slots in a later minor does not change them.
 */
#define ATSYNC_PLUGIN_API_SIZE_1_0 (offsetof(atsync_plugin_api, on_buffer_free) + sizeof(void (*)(atsync_buffer*)))
#define ATSYNC_HOST_API_SIZE_1_0 (offsetof(atsync_host_api, callback_buffer_free) + sizeof(void (*)(atsync_buffer*)))

/* Layout pins: these sizes are part of the contract on LP64 platforms. They pin the 1.0 slots only, so they hold
 * when a minor appends slots; tests/sdk/abi_layout_test.cpp checks every field against sdk/abi/baseline-1.txt. */
#if defined(__cplusplus)
#define ATSYNC_ABI_STATIC_ASSERT static_assert
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define ATSYNC_ABI_STATIC_ASSERT _Static_assert
#endif
#ifdef ATSYNC_ABI_STATIC_ASSERT
ATSYNC_ABI_STATIC_ASSERT(sizeof(atsync_version_header) == 8, "version header layout is frozen");
ATSYNC_ABI_STATIC_ASSERT(offsetof(atsync_host_api, callback_log) == 8, "host table layout");
ATSYNC_ABI_STATIC_ASSERT(offsetof(atsync_plugin_api, on_describe) == 8, "plugin table layout");
ATSYNC_ABI_STATIC_ASSERT(sizeof(void*) != 8 || ATSYNC_HOST_API_SIZE_1_0 == 8 + 7 * 8, "host table v1.0 layout");
ATSYNC_ABI_STATIC_ASSERT(sizeof(void*) != 8 || ATSYNC_PLUGIN_API_SIZE_1_0 == 8 + 5 * 8, "plugin table v1.0 layout");
ATSYNC_ABI_STATIC_ASSERT(sizeof(atsync_host_api) >= ATSYNC_HOST_API_SIZE_1_0, "host table only grows");
ATSYNC_ABI_STATIC_ASSERT(sizeof(atsync_plugin_api) >= ATSYNC_PLUGIN_API_SIZE_1_0, "plugin table only grows");
ATSYNC_ABI_STATIC_ASSERT(sizeof(void*) != 8 || sizeof(atsync_buffer) == 16, "buffer layout");
#undef ATSYNC_ABI_STATIC_ASSERT
#endif

#ifdef __cplusplus
}
#endif

#endif /* ATSYNC_SDK_ABI_H */
