/* Files replaced whole, so a crash leaves the old contents or the new, never a mix. */
#ifndef FK_FILE_H
#define FK_FILE_H

#include <stddef.h>

/*
 * Write len bytes of data to a temporary file beside path (mode 0666 less the
 * umask), fsync it, rename it over path and fsync the directory.  0, or -1
 * with errno set (the temporary file removed).
 */
int fk_file_replace(const char *path, const char *data, size_t len);

#endif
