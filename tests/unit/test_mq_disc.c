#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mq/mq_disc.h"

struct got {
	int n;
	char topic[8][120], payload[8][900];
};

static int
grab(void *arg, const char *topic, size_t tl, const char *payload, size_t pl)
{
	struct got *g = arg;

	if (g->n < 8) {
		snprintf(g->topic[g->n], sizeof(g->topic[0]), "%.*s", (int)tl, topic);
		snprintf(g->payload[g->n], sizeof(g->payload[0]), "%.*s", (int)pl, payload);
	}
	g->n++;
	return 0;
}

static int
feed(struct mq_disc *d, const char *json, struct got *g)
{
	char err[200];
	cJSON *rec = cJSON_Parse(json);
	int rc;

	memset(g, 0, sizeof(*g));
	rc = mq_disc_record(d, rec, "heat/7", 6, grab, g, err, sizeof(err));
	cJSON_Delete(rec);
	return rc;
}

static void
units(void)
{
	struct mq_disc_unit u;

	CHECK(mq_disc_unit("energy_mwh", &u));
	CHECK_STR(u.device_class, "energy");
	CHECK_STR(u.unit, "MWh");
	CHECK_STR(u.state_class, "total_increasing");
	CHECK(mq_disc_unit("volume_m3", &u));
	CHECK_STR(u.device_class, "volume");
	CHECK_STR(u.unit, "m³");
	CHECK(mq_disc_unit("mass_t", &u));
	CHECK(u.device_class == NULL);
	CHECK_STR(u.unit, "t");
	CHECK(mq_disc_unit("t_c", &u));
	CHECK_STR(u.device_class, "temperature");
	CHECK_STR(u.state_class, "measurement");
	CHECK(mq_disc_unit("dt_c", &u));
	CHECK_STR(u.device_class, "temperature_delta");
	CHECK(mq_disc_unit("p_mpa", &u));
	CHECK(u.device_class == NULL);
	CHECK_STR(u.unit, "MPa");
	CHECK(mq_disc_unit("flow_m3h", &u));
	CHECK_STR(u.device_class, "volume_flow_rate");
	CHECK_STR(u.unit, "m³/h");
	CHECK(mq_disc_unit("flow_th", &u));
	CHECK(u.device_class == NULL);
	CHECK(mq_disc_unit("time_on_s", &u));
	CHECK_STR(u.device_class, "duration");
	CHECK(!mq_disc_unit("serial", &u));
	CHECK(!mq_disc_unit("comma", &u));
}

static void
records(void)
{
	struct mq_disc_opts o = { "ha", "{serial}", "gw", NULL, NULL };
	char err[200], *state;
	struct mq_disc *d = mq_disc_new(&o, err, sizeof(err)), *d2;
	struct got g;

	CHECK(d != NULL);
	CHECK_INT(feed(d, "{\"serial\":7,\"name\":\"boiler\",\"e_mwh\":1.5,\"n\":3,"
	    "\"s\":[{\"n\":2,\"t_ch\":[3,5],\"t_c\":[60,null]}]}", &g), 0);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.topic[0], "ha/sensor/fieldkit_7/e_mwh/config");
	CHECK_STR(g.topic[1], "ha/sensor/fieldkit_7/s_2_t_c_3/config");
	CHECK(strstr(g.payload[1], "\"value_template\":\"{{ value_json['s'][0]['t_c'][0] }}\"") != NULL);
	CHECK(strstr(g.payload[1], "\"unique_id\":\"fieldkit_7_s_2_t_c_3\"") != NULL);
	CHECK(strstr(g.payload[1], "\"state_topic\":\"heat/7\"") != NULL);
	CHECK(strstr(g.payload[1], "\"name\":\"boiler\"") != NULL);
	CHECK(strstr(g.payload[1], "\"via_device\":\"gw\"") != NULL);
	/* The same fields again: nothing. */
	CHECK_INT(feed(d, "{\"serial\":7,\"name\":\"boiler\",\"e_mwh\":2.5,\"n\":3,"
	    "\"s\":[{\"n\":2,\"t_ch\":[3,5],\"t_c\":[61,null]}]}", &g), 0);
	CHECK_INT(g.n, 0);
	/* Archive records are not announced. */
	CHECK_INT(feed(d, "{\"serial\":8,\"period\":\"x\",\"e_mwh\":1}", &g), 0);
	CHECK_INT(g.n, 0);
	/* The state survives a save and load; a sensor that went away is removed. */
	state = mq_disc_save(d);
	d2 = mq_disc_new(&o, err, sizeof(err));
	CHECK_INT(mq_disc_load(d2, state, err, sizeof(err)), 0);
	CHECK_INT(feed(d2, "{\"serial\":7,\"name\":\"boiler\",\"e_mwh\":2.5,\"n\":3,"
	    "\"s\":[{\"n\":2,\"t_ch\":[3,5],\"t_c\":[61,null]}]}", &g), 0);
	CHECK_INT(g.n, 0);
	CHECK_INT(feed(d2, "{\"serial\":7,\"name\":\"boiler\",\"e_mwh\":2.5}", &g), 0);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.topic[1], "ha/sensor/fieldkit_7/s_2_t_c_3/config");
	CHECK_STR(g.payload[1], "");
	/* A record the template cannot name: reported once. */
	CHECK_INT(feed(d2, "{\"address\":1}", &g), 1);
	CHECK_INT(feed(d2, "{\"address\":1}", &g), 0);
	CHECK_INT(mq_disc_load(d2, "7 123\n", err, sizeof(err)), -1);
	CHECK_STR(err, "line 1: expected DEVICE-ID HASH TOPIC...");
	free(state);
	mq_disc_free(d);
	mq_disc_free(d2);
	o.prefix = "a b";
	CHECK(mq_disc_new(&o, err, sizeof(err)) == NULL);
	o.prefix = "ha/#";
	CHECK(mq_disc_new(&o, err, sizeof(err)) == NULL);
}

int
main(void)
{
	units();
	records();
	return check_done();
}
