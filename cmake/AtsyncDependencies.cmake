# SPDX-License-Identifier: Apache-2.0
# Every third-party dependency, found once. All come from Debian 12 packages (see scripts/bootstrap).

# Boost 1.81 exactly: "1.81" without EXACT/CONFIG silently falls back to the old FindBoost and 1.74.
find_package(Boost 1.81.0 EXACT CONFIG REQUIRED COMPONENTS json)
# Boost.DLL uses std::filesystem instead of Boost.Filesystem with this define.
add_compile_definitions(BOOST_DLL_USE_STD_FS)

# Debian's PocoDataPostgreSQL config names PostgreSQL::client but nobody defines it.
find_package(PostgreSQL REQUIRED)
if(NOT TARGET PostgreSQL::client)
  add_library(PostgreSQL::client INTERFACE IMPORTED GLOBAL)
  target_link_libraries(PostgreSQL::client INTERFACE PostgreSQL::PostgreSQL)
endif()

find_package(Poco 1.11 REQUIRED COMPONENTS
  Foundation Net NetSSL Util Data DataSQLite DataPostgreSQL JSON Crypto)

find_package(yaml-cpp 0.7 REQUIRED)
if(NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp ALIAS yaml-cpp)
endif()

find_package(Threads REQUIRED)
if(ATSYNC_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
