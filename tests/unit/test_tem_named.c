#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tem/tem_json.h"
#include "tem/tem_sys.h"

static char *
named(uint8_t type, uint8_t t_mask, uint8_t g_mask, int flows)
{
	static const float t[7] = { 70.5f, 45.25f, 55, 8.75f, 0, 0, 0 };
	static const float m3h[8] = { 2.25f, 2, 0.75f, 0, 0, 0, 0, 0 };
	static const float th[8] = { 2.125f, 1.875f, 0.75f, 0, 0, 0, 0, 0 };
	static char out[400];
	cJSON *o = cJSON_CreateObject();
	char *s;

	tem_json_named(o, type, t_mask, t, 7, g_mask, flows ? m3h : NULL, flows ? th : NULL, 8);
	s = cJSON_PrintUnformatted(o);
	snprintf(out, sizeof(out), "%s", s);
	free(s);
	cJSON_Delete(o);
	return out;
}

int
main(void)
{
	struct tem_roles r;

	CHECK_INT(tem_sys_roles(0x04, &r), 1);
	CHECK_INT(r.nflow, 2);
	CHECK_INT(tem_sys_roles(0x08, &r), 0);
	CHECK_INT(tem_sys_roles(0x06, &r), 0);
	CHECK_STR(named(0x04, 0x03, 0x03, 1), "{\"t_supply_c\":70.5,\"t_return_c\":45.25,"
	    "\"dt_c\":25.25,\"flow_supply_m3h\":2.25,\"flow_supply_th\":2.125,"
	    "\"flow_return_m3h\":2,\"flow_return_th\":1.875}");
	/* Channels 3 and 4: the lower is the supply. */
	CHECK_STR(named(0x07, 0x0C, 0x0C, 0), "{\"t_supply_c\":55,\"t_return_c\":8.75,\"dt_c\":46.25}");
	/* Return: its one flow is in the return pipe. */
	CHECK_STR(named(0x01, 0x03, 0x04, 1), "{\"t_supply_c\":70.5,\"t_return_c\":45.25,"
	    "\"dt_c\":25.25,\"flow_return_m3h\":0.75,\"flow_return_th\":0.75}");
	/* Masks that do not fit the type: no names. */
	CHECK_STR(named(0x04, 0x01, 0x03, 1), "{}");
	CHECK_STR(named(0x04, 0x03, 0x01, 1), "{\"t_supply_c\":70.5,\"t_return_c\":45.25,\"dt_c\":25.25}");
	CHECK_STR(named(0x08, 0x0C, 0x04, 1), "{}");
	return check_done();
}
