#include "check.h"
#include "mq/mq_url.h"

int
main(void)
{
	struct mq_url u;
	char err[200];

	CHECK_INT(mq_url_parse("mqtt://broker.example", &u, err, sizeof(err)), 0);
	CHECK_STR(u.host, "broker.example");
	CHECK_INT(u.port, 0);
	CHECK_INT(u.tls, 0);
	CHECK(u.user == NULL && u.topic == NULL);
	mq_url_free(&u);

	CHECK_INT(mq_url_parse("mqtts://meter@10.0.0.1:8884/heat/{serial}", &u, err, sizeof(err)), 0);
	CHECK_STR(u.host, "10.0.0.1");
	CHECK_STR(u.user, "meter");
	CHECK_STR(u.topic, "heat/{serial}");
	CHECK_INT(u.port, 8884);
	CHECK_INT(u.tls, 1);
	mq_url_free(&u);

	CHECK_INT(mq_url_parse("mqtt://[::1]:1884/", &u, err, sizeof(err)), 0);
	CHECK_STR(u.host, "::1");
	CHECK_INT(u.port, 1884);
	CHECK(u.topic == NULL);
	mq_url_free(&u);

	CHECK_INT(mq_url_parse("mqtt://u:secret@h/t", &u, err, sizeof(err)), -1);
	CHECK_STR(err, "password in the URL refused (use --password-file or MQPUB_PASSWORD)");
	CHECK_INT(mq_url_parse("http://h", &u, err, sizeof(err)), -1);
	CHECK_STR(err, "not an mqtt:// or mqtts:// URL");
	CHECK_INT(mq_url_parse("mqtt://h:0", &u, err, sizeof(err)), -1);
	CHECK_STR(err, "port: 0: too small");
	CHECK_INT(mq_url_parse("mqtt://h:99999", &u, err, sizeof(err)), -1);
	CHECK_STR(err, "port: 99999: too large");
	CHECK_INT(mq_url_parse("mqtt://h:", &u, err, sizeof(err)), -1);
	CHECK_STR(err, "port: : invalid");
	CHECK_INT(mq_url_parse("mqtt://:1883", &u, err, sizeof(err)), -1);
	CHECK_STR(err, "no host");
	CHECK_INT(mq_url_parse("mqtt://@h", &u, err, sizeof(err)), -1);
	CHECK_STR(err, "empty user name");
	CHECK_INT(mq_url_parse("mqtt://[::1", &u, err, sizeof(err)), -1);
	CHECK_STR(err, "'[' without ']'");
	return check_done();
}
