// SPDX-License-Identifier: Apache-2.0
// The library's one exported symbol.
#include "greenhouse_connector.hpp"

#include <atsync/sdk/plugin_export.hpp>

ATSYNC_PLUGIN(atsync::greenhouse::GreenhouseConnector)
