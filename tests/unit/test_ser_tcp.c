#include <string.h>

#include "check.h"
#include "fk/ser_tcp.h"

static int
parse(const char *dev, char *host, char *port, char *why)
{
	return ser_tcp_parse(dev, host, 64, port, 8, why, 96);
}

int
main(void)
{
	char host[64], port[8], why[96];

	CHECK_INT(ser_tcp_is("tcp:10.0.0.5:4001"), 1);
	CHECK_INT(ser_tcp_is("/dev/ttyUSB0"), 0);
	CHECK_INT(ser_tcp_is("./tcp:x:1"), 0);
	CHECK_INT(parse("tcp:10.0.0.5:4001", host, port, why), 0);
	CHECK_STR(host, "10.0.0.5");
	CHECK_STR(port, "4001");
	CHECK_INT(parse("tcp:nport.example:950", host, port, why), 0);
	CHECK_STR(host, "nport.example");
	CHECK_STR(port, "950");
	CHECK_INT(parse("tcp:[2001:db8::5]:4001", host, port, why), 0);
	CHECK_STR(host, "2001:db8::5");
	CHECK_STR(port, "4001");
	CHECK_INT(parse("tcp:[::1]:1", host, port, why), 0);
	CHECK_STR(host, "::1");
	/* an IPv6 address without brackets cannot be told from its port */
	CHECK_INT(parse("tcp:2001:db8::5:4001", host, port, why), -1);
	CHECK_STR(why, "expected tcp:HOST:PORT (an IPv6 address in [])");
	CHECK_INT(parse("tcp:10.0.0.5", host, port, why), -1);
	CHECK_INT(parse("tcp::4001", host, port, why), -1);
	CHECK_STR(why, "expected tcp:HOST:PORT");
	CHECK_INT(parse("tcp:[::1]4001", host, port, why), -1);
	CHECK_STR(why, "expected tcp:[ADDRESS]:PORT");
	CHECK_INT(parse("tcp:[]:4001", host, port, why), -1);
	CHECK_INT(parse("tcp:h:0", host, port, why), -1);
	CHECK_STR(why, "port 0: too small");
	CHECK_INT(parse("tcp:h:65536", host, port, why), -1);
	CHECK_STR(why, "port 65536: too large");
	CHECK_INT(parse("tcp:h:40x", host, port, why), -1);
	CHECK_STR(why, "port 40x: invalid");
	CHECK_INT(parse("tcp:h:", host, port, why), -1);
	/* a host name longer than the buffer is refused, not cut */
	CHECK_INT(ser_tcp_parse("tcp:abcdefgh:1", host, 8, port, 8, why, 96), -1);
	return check_done();
}
