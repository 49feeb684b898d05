#include "jsonl.h"
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
