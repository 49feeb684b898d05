#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fk/fk_file.h"
#include "mq_disc_file.h"

#define STATE_MAX (16 << 20)	/* far beyond any set of meters; a larger file is not ours */

int
mq_disc_read(struct mq_disc *d, const char *file, char *err, size_t errlen)
{
	char *buf;
	size_t n = 0;
	ssize_t r;
	int fd, rc;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if ((buf = malloc(STATE_MAX + 1)) == NULL) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while (n < STATE_MAX && (r = read(fd, buf + n, STATE_MAX - n)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errlen, "%s", strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (n == STATE_MAX || strlen(buf) != n) {
		snprintf(err, errlen, "not a discovery state file");
		free(buf);
		return -1;
	}
	rc = mq_disc_load(d, buf, err, errlen);
	free(buf);
	return rc;
}

int
mq_disc_write(const struct mq_disc *d, const char *file, char *err, size_t errlen)
{
	char *text = mq_disc_save(d);
	int rc;

	if (text == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((rc = fk_file_replace(file, text, strlen(text))) == -1)
		snprintf(err, errlen, "%s", strerror(errno));
	free(text);
	return rc;
}
