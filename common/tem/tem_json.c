#include "fk/jsonl.h"
#include "tem_json.h"
#include "tem_sys.h"

void
tem_json_channels(cJSON *o, const char *chname, const char *name, uint8_t mask,
    const float *v, int nch, int digits)
{
	cJSON *ch = chname ? cJSON_AddArrayToObject(o, chname) : NULL;
	cJSON *val = cJSON_AddArrayToObject(o, name);

	for (int i = 0; i < 8; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (ch)
			cJSON_AddItemToArray(ch, cJSON_CreateNumber(i + 1));
		cJSON_AddItemToArray(val, i < nch ? jsonl_num(v[i], digits) : cJSON_CreateNull());
	}
}

void
tem_json_type(cJSON *o, uint8_t code)
{
	const char *type = tem_sys_type_name(code);

	if (type)
		cJSON_AddStringToObject(o, "type", type);
	else
		cJSON_AddNullToObject(o, "type");
}

/* Channel indexes (0-based) set in mask, lowest first; how many. */
static int
set_channels(uint8_t mask, int ch[8])
{
	int n = 0;

	for (int i = 0; i < 8; i++)
		if (mask & (1u << i))
			ch[n++] = i;
	return n;
}

static void
named_flow(cJSON *o, const char *m3h_name, const char *th_name, int which, const int *gc,
    const float *m3h, const float *th, int ng)
{
	if (which < 0 || gc[which] >= ng)
		return;
	jsonl_add_num(o, m3h_name, m3h[gc[which]], 3);
	if (th)
		jsonl_add_num(o, th_name, th[gc[which]], 3);
}

void
tem_json_named(cJSON *o, uint8_t type, uint8_t t_mask, const float *t, int nt,
    uint8_t g_mask, const float *m3h, const float *th, int ng)
{
	struct tem_roles r;
	int tc[8], gc[8];

	if (!tem_sys_roles(type, &r) || set_channels(t_mask, tc) != 2 || tc[1] >= nt)
		return;
	jsonl_add_num(o, "t_supply_c", t[tc[0]], 2);
	jsonl_add_num(o, "t_return_c", t[tc[1]], 2);
	jsonl_add_num(o, "dt_c", (double)t[tc[0]] - (double)t[tc[1]], 2);
	/* A flow mask that does not fit the type names no flow. */
	if (m3h == NULL || set_channels(g_mask, gc) != r.nflow)
		return;
	named_flow(o, "flow_supply_m3h", "flow_supply_th", r.flow_supply, gc, m3h, th, ng);
	named_flow(o, "flow_return_m3h", "flow_return_th", r.flow_return, gc, m3h, th, ng);
}
