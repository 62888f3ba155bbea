// SPDX-License-Identifier: Apache-2.0
// LD_PRELOAD probe for durability tests: every fsync/fdatasync of the process is passed on and logged as
// "<CLOCK_MONOTONIC ns> <file path>\n" to the file named by ATSYNC_TEST_FSYNC_LOG. The test then tells whether a
// commit reached the disk before the host answered.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void logSync(int fd) {
  const char* log_path = getenv("ATSYNC_TEST_FSYNC_LOG");
  if (log_path == NULL) return;
  char link[64];
  char target[1024];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n < 0) n = 0;
  target[n] = '\0';
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  char line[1200];
  const int len = snprintf(line, sizeof line, "%lld %s\n",
                           (long long)now.tv_sec * 1000000000LL + (long long)now.tv_nsec, target);
  const int out = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (out < 0) return;
  if (len > 0) (void)!write(out, line, (size_t)len);
  close(out);
}

int fsync(int fd) {
  static int (*real)(int) = NULL;
  if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  const int rc = real(fd);
  logSync(fd);
  return rc;
}

int fdatasync(int fd) {
  static int (*real)(int) = NULL;
  if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  const int rc = real(fd);
  logSync(fd);
  return rc;
}
