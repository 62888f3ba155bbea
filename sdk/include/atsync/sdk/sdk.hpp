// SPDX-License-Identifier: Apache-2.0
#pragma once

// Everything a plugin author needs, in one include.

#include <atsync/sdk/abi.h>
#include <atsync/sdk/connector.hpp>
#include <atsync/sdk/description.hpp>
#include <atsync/sdk/error.hpp>
#include <atsync/sdk/events.hpp>
#include <atsync/sdk/host.hpp>
#include <atsync/sdk/http.hpp>
#include <atsync/sdk/json_reader.hpp>
#include <atsync/sdk/model.hpp>
#include <atsync/sdk/operations.hpp>
#include <atsync/sdk/plugin_export.hpp>
