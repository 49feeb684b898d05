#include <stdlib.h>

#include "check.h"
#include "udp/udp_dedup.h"

int
main(void)
{
	struct udp_dedup *d = malloc(sizeof(*d));
	char key[32];

	udp_dedup_init(d);
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 9, 1), 0);
	udp_dedup_mark(d, "11.11.11.11:40000", 9, 1);
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 9, 1), 1);
	/* Another session or peer is another sender. */
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 10, 1), 0);
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40001", 9, 1), 0);
	/* Out of order: 3 before 2. */
	udp_dedup_mark(d, "11.11.11.11:40000", 9, 3);
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 9, 2), 0);
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 9, 3), 1);
	udp_dedup_mark(d, "11.11.11.11:40000", 9, 2);
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 9, 2), 1);
	/* A jump clears the slots of skipped ids, which were never seen. */
	udp_dedup_mark(d, "11.11.11.11:40000", 9, 3 + UDP_DEDUP_IDS);
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 9, 3 + UDP_DEDUP_IDS), 1);
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 9, 4 + UDP_DEDUP_IDS - 1), 1);
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 9, 2 + UDP_DEDUP_IDS), 0);
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 9, 5), 0);
	/* Too old to tell counts as seen: resending it must not deliver twice. */
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 9, 2), 1);
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 9, 3), 1);
	/* Id 0 is an id like any other. */
	udp_dedup_mark(d, "x:1", 1, 0);
	CHECK_INT(udp_dedup_seen(d, "x:1", 1, 0), 1);
	/* Filling the table forgets the least recently heard peer. */
	udp_dedup_mark(d, "11.11.11.11:40000", 9, 10000);
	for (int i = 0; i < UDP_DEDUP_PEERS - 1; i++) {
		snprintf(key, sizeof(key), "10.0.0.%d:1", i);
		udp_dedup_mark(d, key, 1, 1);
	}
	CHECK_INT(udp_dedup_seen(d, "11.11.11.11:40000", 9, 10000), 1);
	CHECK_INT(udp_dedup_seen(d, "x:1", 1, 0), 0);
	CHECK_INT(udp_dedup_seen(d, "10.0.0.0:1", 1, 1), 1);
	free(d);
	return check_done();
}
