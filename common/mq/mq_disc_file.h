/* mqpub's memory of the discovery configs it announced, in a small file across runs. */
#ifndef MQ_DISC_FILE_H
#define MQ_DISC_FILE_H

#include <stddef.h>

#include "mq_disc.h"

/* Load file into d; a missing file is an empty state.  -1 with err otherwise. */
int mq_disc_read(struct mq_disc *d, const char *file, char *err, size_t errlen);
/* Replace file with d's state, atomically and durably; -1 with err. */
int mq_disc_write(const struct mq_disc *d, const char *file, char *err, size_t errlen);

#endif
