#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pty_sim.h"

int
pty_sim_open(struct pty_sim *ps, const char *link)
{
	struct termios t;
	const char *name;

	memset(ps, 0, sizeof(*ps));
	ps->hold = -1;
	if ((ps->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		return -1;
	if (grantpt(ps->master) == -1 || unlockpt(ps->master) == -1 ||
	    (name = ptsname(ps->master)) == NULL)
		goto fail;
	if (strlen(name) >= sizeof(ps->path)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	strcpy(ps->path, name);
	if ((ps->hold = open(ps->path, O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		goto fail;
	if (tcgetattr(ps->hold, &t) == -1)
		goto fail;
	cfmakeraw(&t);
	if (tcsetattr(ps->hold, TCSANOW, &t) == -1)
		goto fail;
	if (link) {
		if (unlink(link) == -1 && errno != ENOENT)
			goto fail;
		if (symlink(ps->path, link) == -1)
			goto fail;
		if ((ps->link = strdup(link)) == NULL) {
			unlink(link);
			goto fail;
		}
	}
	return 0;
fail:;
	int e = errno;
	if (ps->hold != -1)
		close(ps->hold);
	close(ps->master);
	errno = e;
	return -1;
}

void
pty_sim_close(struct pty_sim *ps)
{
	if (ps->link) {
		unlink(ps->link);
		free(ps->link);
		ps->link = NULL;
	}
	if (ps->hold != -1)
		close(ps->hold);
	close(ps->master);
}
