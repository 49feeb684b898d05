#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fk_file.h"

/* The rename itself has to reach the disk too. */
static int
sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = -1;

	if (copy == NULL)
		return -1;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		rc = fsync(fd) == -1 && errno != EINVAL ? -1 : 0;
		close(fd);
	}
	free(copy);
	return rc;
}

int
fk_file_replace(const char *path, const char *data, size_t len)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 8);
	mode_t mask;
	int fd = -1, e;

	if (tmp == NULL)
		return -1;
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", 8);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		e = errno;
		free(tmp);
		errno = e;
		return -1;
	}
	/* mkostemp makes it 0600; the file is as readable as any other the user makes. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) == -1)
		goto fail;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	return sync_dir(path);
fail:
	e = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = e;
	return -1;
}
