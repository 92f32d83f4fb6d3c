/* Dropping root after opening a live capture, as tcpdump's -Z does: the
 * capture handle stays open, everything after runs as an ordinary user, so
 * a bug reached by hostile packets cannot act as root. */
#define _DEFAULT_SOURCE 1
#include <dissect/dissect.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int dx_drop_privileges(const char *user, char *errbuf, size_t errlen) {
  if (errbuf && errlen)
    errbuf[0] = 0;
  if (!user || !user[0])
    return DX_EINVAL;
  if (geteuid() != 0 && getuid() != 0)
    return DX_OK; /* nothing to drop */
  errno = 0;
  struct passwd *pw = getpwnam(user);
  if (!pw) {
    if (errbuf)
      snprintf(errbuf, errlen, "cannot drop privileges: no user \"%s\"", user);
    return DX_EINVAL;
  }
  /* groups first (setgid needs root), then the user, for good */
  if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
      setuid(pw->pw_uid) != 0) {
    if (errbuf)
      snprintf(errbuf, errlen, "cannot drop privileges to \"%s\": %s", user, strerror(errno));
    return DX_EINVAL;
  }
  if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
    if (errbuf)
      snprintf(errbuf, errlen, "cannot drop privileges to \"%s\": root could be regained", user);
    return DX_EINVAL;
  }
  return DX_OK;
}
