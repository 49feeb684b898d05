#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ppp_dial.h"

static const char *
str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* One transcript record; spoke says the modem has sent something so far. */
static void
record(const cJSON *o, struct ppp_dial_result *out, int *spoke)
{
	const char *ev = str(o, "event"), *result = str(o, "result");
	const char *received = str(o, "received"), *expect = str(o, "expect");

	if (ev == NULL || strcmp(ev, "expect") != 0 || result == NULL)
		return;
	if (received && *received)
		*spoke = 1;
	/* chat's "" expect matches at once without the modem saying a word */
	if (strcmp(result, "matched") == 0 && expect && *expect)
		*spoke = 1;
	snprintf(out->expect, sizeof(out->expect), "%s", expect ? expect : "");
	if (strcmp(result, "aborted") == 0) {
		out->how = PPP_DIAL_ABORT;
		snprintf(out->abort, sizeof(out->abort), "%s", str(o, "abort") ?
		    str(o, "abort") : "");
	} else if (strcmp(result, "timeout") == 0)
		out->how = *spoke ? PPP_DIAL_TIMEOUT : PPP_DIAL_SILENT;
}

void
ppp_dial_parse(const char *text, struct ppp_dial_result *out)
{
	int spoke = 0;

	memset(out, 0, sizeof(*out));
	out->how = PPP_DIAL_UNKNOWN;
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		cJSON *o = cJSON_ParseWithLength(text, n);

		if (o) {
			record(o, out, &spoke);
			cJSON_Delete(o);
		}
		text += n + (nl != NULL);
	}
}
