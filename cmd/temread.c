/* temread: current readings of TEM-106 heat meters, one JSON line per meter. */
#include <err.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fk/fk_cli.h"
#include "fk/fk_clock.h"
#include "fk/fk_exit.h"
#include "fk/jsonl.h"
#include "fk/fk_sig.h"
#include "fk/num_parse.h"
#include "fk/ser_line.h"
#include "fk/ser_port.h"
#include "tem/tem_json.h"
#include "tem/tem_link.h"
#include "tem/tem_map.h"
#include "tem/tem_opt.h"
#include "tem/tem_tz.h"

#define MAX_READS 32

static const char *const usage[] = {
	"temread -d device [-b baud] [-a addr[=name]]... [--retries n] [--timeout ms]",
	"[--tz zone] [--trace]",
	"[--rs485] [--rs485-delay ms[,ms]] [--rts on|off] [--dtr on|off]",
	NULL
};

enum { O_HELP = 256, O_VERSION, O_LINE };

static void
parse_opts(int argc, char **argv, struct tem_opt_line *o)
{
	static const struct option lo[] = {
		TEM_OPT_LINE_OPTIONS(O_LINE),
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	tem_opt_line_init(o);
	while ((c = getopt_long(argc, argv, TEM_OPT_LINE_SHORT, lo, NULL)) != -1) {
		switch (c) {
		case O_HELP: fk_usage(usage, 1);
		case O_VERSION: fk_version();
		default: if (!tem_opt_line_arg(o, O_LINE, c, optarg)) fk_usage(usage, 0);
		}
	}
	if (optind != argc || o->dev == NULL)
		fk_usage(usage, 0);
	tem_opt_line_done(o);
}

static cJSON *
system_json(const struct tem_reading *r, int i)
{
	const struct tem_system *s = &r->sys[i];
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "n", i + 1);
	tem_json_type(o, s->type);
	cJSON_AddNumberToObject(o, "type_code", s->type);
	cJSON_AddNumberToObject(o, "comma", s->comma);
	jsonl_add_num(o, "energy_mwh", s->energy_mwh, tem_scale_digits(tem_kq(s->comma)));
	jsonl_add_num(o, "mass_t", s->mass_t, tem_scale_digits(tem_kv(s->comma)));
	jsonl_add_num(o, "volume_m3", s->volume_m3, tem_scale_digits(tem_kv(s->comma)));
	tem_json_channels(o, "t_ch", "t_c", s->t_mask, r->t_c, TEM_T_CH, 2);
	tem_json_channels(o, "p_ch", "p_mpa", s->p_mask, r->p_mpa, TEM_T_CH, 3);
	tem_json_channels(o, "flow_ch", "flow_m3h", s->g_mask, r->flow_m3h, TEM_G_ALL, 3);
	tem_json_channels(o, NULL, "flow_th", s->g_mask, r->flow_th, TEM_G_ALL, 3);
	tem_json_named(o, s->type, s->t_mask, r->t_c, TEM_T_CH, s->g_mask, r->flow_m3h,
	    r->flow_th, TEM_G_ALL);
	cJSON_AddNumberToObject(o, "time_ok_s", s->time_ok_s);
	cJSON_AddNumberToObject(o, "time_flow_low_s", s->time_e_s[0]);
	cJSON_AddNumberToObject(o, "time_flow_high_s", s->time_e_s[1]);
	cJSON_AddNumberToObject(o, "time_dt_low_s", s->time_e_s[2]);
	cJSON_AddNumberToObject(o, "time_fault_s", s->time_e_s[3]);
	return o;
}

static cJSON *
reading_json(const char *dev, uint8_t addr, const char *model, const uint8_t *ram)
{
	struct tem_reading r;
	cJSON *o = cJSON_CreateObject(), *sys;
	char iso[32];
	unsigned n;

	tem_map_decode(ram, &r);
	cJSON_AddStringToObject(o, "read_at", fk_clock_utc(iso, sizeof(iso), time(NULL)));
	cJSON_AddNumberToObject(o, "address", addr);
	if (tem_addr_name(addr))
		cJSON_AddStringToObject(o, "name", tem_addr_name(addr));
	cJSON_AddStringToObject(o, "model", model);
	cJSON_AddNumberToObject(o, "serial", r.serial);
	if (r.clock_ok)
		cJSON_AddStringToObject(o, "meter_clock", tem_tz_time_iso(iso, sizeof(iso), &r.clock));
	else
		cJSON_AddNullToObject(o, "meter_clock");
	if (r.flash_type == 0x1F24 || r.flash_type == 0x1F25)
		cJSON_AddNumberToObject(o, "flash_kib", r.flash_type == 0x1F24 ? 512 : 1024);
	else
		cJSON_AddNullToObject(o, "flash_kib");
	cJSON_AddNumberToObject(o, "systems_count", r.systems);
	jsonl_add_num(o, "energy_total_mwh", r.energy_total_mwh,
	    tem_scale_digits(tem_kq(r.sys[0].comma)));
	cJSON_AddNumberToObject(o, "time_on_s", r.time_on_s);
	sys = cJSON_AddArrayToObject(o, "systems");
	n = r.systems < TEM_MAX_SYSTEMS ? r.systems : TEM_MAX_SYSTEMS;
	for (unsigned i = 0; i < n; i++) {
		/* Codes above 6 scale by 1: most likely diam78 read as comma (CAVEATS). */
		if (r.sys[i].comma > 6)
			warnx("%s: meter %u: system %u: comma code %u is not 0..6; energy unscaled",
			    dev, addr, i + 1, r.sys[i].comma);
		cJSON_AddItemToArray(sys, system_json(&r, (int)i));
	}
	return o;
}

/*
 * Identify and read one meter; its JSON line (a reading or an error) in *out.
 * Once the line itself has failed (dead), nothing is tried any more.
 */
static enum tem_status
read_meter(struct tem_link *l, const char *dev, uint8_t addr, const struct tem_span *plan,
    size_t nplan, int dead, cJSON **out)
{
	uint8_t ram[TEM_RAM_SIZE] = { 0 }, id[TEM_MAXDATA];
	char model[4 * TEM_MAXDATA + 1], iso[24], msg[160];
	enum tem_status s = TEM_EIO;
	size_t n;

	if (!dead && (s = tem_identify(l, addr, id, &n)) == TEM_OK) {
		tem_model_utf8(model, sizeof(model), id, n);
		for (size_t i = 0; i < nplan && s == TEM_OK; i++)
			s = tem_read_ram(l, addr, plan[i].start, plan[i].len, ram + plan[i].start);
		if (s == TEM_OK) {
			*out = reading_json(dev, addr, model, ram);
			return s;
		}
	}
	if (fk_sig_stop) {	/* the exchange was cut short to stop: no line, not the meter's fault */
		*out = NULL;
		return s;
	}
	if (!dead)
		warnx("%s: %s", dev, tem_link_error(l, addr, msg, sizeof(msg)));
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "read_at", fk_clock_utc(iso, sizeof(iso), time(NULL)));
	cJSON_AddNumberToObject(*out, "address", addr);
	if (tem_addr_name(addr))
		cJSON_AddStringToObject(*out, "name", tem_addr_name(addr));
	cJSON_AddStringToObject(*out, "error", tem_link_error(l, -1, msg, sizeof(msg)));
	cJSON_AddStringToObject(*out, "status", fk_exit_name(tem_status_exit(s)));
	return s;
}

/* Several meters failing differently: the one that got furthest names the status. */
static int
worse(int a, int b)
{
	static const int rank[] = { FK_OK, FK_NOANSWER, FK_TIMEOUT, FK_PROTO, FK_IO };
	int ra = 0, rb = 0;

	for (int i = 0; i < 5; i++) {
		ra = rank[i] == a ? i : ra;
		rb = rank[i] == b ? i : rb;
	}
	return ra >= rb ? a : b;
}

int
main(int argc, char **argv)
{
	struct tem_opt_line o;
	struct ser_port *port;
	struct tem_link l;
	struct tem_span plan[MAX_READS];
	size_t nplan = tem_map_plan(tem_map_needed, tem_map_nneeded, TEM_MAXDATA, plan, MAX_READS);
	int st, good = 0, bad = FK_OK;
	cJSON *line;

	parse_opts(argc, argv, &o);
	jsonl_init();
	/* Caught, so a stop ends the exchange at once and the line is restored on the way out. */
	fk_sig_init();
	fk_sig_block();
	port = tem_opt_line_open(&o, &l);
	for (int i = 0; i < o.naddr && !fk_sig_stop; i++) {
		enum tem_status s = read_meter(&l, o.dev, o.addr[i], plan, nplan,
		    bad == FK_IO, &line);
		if (line == NULL)
			break;
		good += s == TEM_OK;
		bad = s == TEM_OK ? bad : worse(bad, tem_status_exit(s));
		if ((st = jsonl_write(stdout, line)) != JSONL_OK) {
			if (st == JSONL_ERR)
				warn("stdout");
			cJSON_Delete(line);
			ser_close(port);
			return st == JSONL_EPIPE ? FK_OK : FK_IO;
		}
		cJSON_Delete(line);
	}
	ser_close(port);
	if (fk_sig_stop) {
		char sig[32];

		warnx("stopped by %s", fk_sig_name(fk_sig_stop, sig, sizeof(sig)));
		return FK_SIGNAL;
	}
	return bad == FK_OK ? FK_OK : bad == FK_IO || good == 0 ? bad : FK_PARTIAL;
}
