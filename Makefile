# fieldkit — small pipe-friendly commands for field telemetry.
# `make deps demo` then `make check`; see README.md.

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANPREFIX ?= $(PREFIX)/share/man
DESTDIR   ?=
CFLAGS    ?= -O2 -g
BUILD     ?= build
SAN       ?=

PKGS      = libserialport libmosquitto libcjson
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
FK_CFLAGS  = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -MMD -MP \
	     -Icommon -DFK_VERSION=\"$(VERSION)\" $(PKG_CFLAGS) $(SAN)
FK_LDLIBS  = -Wl,--as-needed $(PKG_LIBS) -lm

SANFLAGS   = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

CMDS      = $(notdir $(basename $(wildcard cmd/*.c)))
TOOLS     = $(notdir $(basename $(wildcard tests/tools/*.c)))
UNITS     = $(notdir $(basename $(wildcard tests/unit/test_*.c)))
SCRIPTS   = $(filter-out %.md %.txt %.service %.timer %.cron debian-packages,$(notdir $(wildcard scripts/*)))
COMMON_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(wildcard common/*.c))

BINS      = $(CMDS:%=$(BUILD)/bin/%)
TOOL_BINS = $(TOOLS:%=$(BUILD)/tools/%)
UNIT_BINS = $(UNITS:%=$(BUILD)/unit/%)

.PHONY: all check test test-san lint bench deps demo install uninstall clean
.SUFFIXES:
.SECONDARY:

all: $(BINS) $(TOOL_BINS) $(UNIT_BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(FK_CFLAGS) -c -o $@ $<

$(BUILD)/libfk.a: $(COMMON_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/bin/%: $(BUILD)/cmd/%.o $(BUILD)/libfk.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(FK_LDLIBS)

$(BUILD)/tools/%: $(BUILD)/tests/tools/%.o $(BUILD)/libfk.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(FK_LDLIBS)

$(BUILD)/unit/%: $(BUILD)/tests/unit/%.o $(BUILD)/libfk.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(FK_LDLIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# The whole suite, then the same suite on a sanitizer build.
check: all lint
	tests/run $(BUILD)
	$(MAKE) --no-print-directory BUILD=build-san CFLAGS="-O1 -g" SAN="$(SANFLAGS)" test-san
	@tests/total $(BUILD) build-san

test: all
	tests/run $(BUILD)

test-san: all
	tests/run $(BUILD)

lint:
	mandoc -Tlint -W warning man/*.1
	@if ls scripts/* >/dev/null 2>&1; then \
	  shellcheck -x $$(grep -l '^#!.*sh' scripts/* tests/run tests/total tests/bench/*.sh 2>/dev/null); fi

bench: all
	@for b in tests/bench/*.sh; do echo "== $$b"; PATH="$(CURDIR)/$(BUILD)/bin:$(CURDIR)/$(BUILD)/tools:$$PATH" bash $$b || exit 1; done

# Debian packages for building, testing and the demo; idempotent, needs root (or sudo).
DEB_PKGS = $(shell sed 's/\#.*//' scripts/debian-packages)
deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	echo "deps: installing" $$missing; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing

demo: all
	FK_BIN=$(CURDIR)/$(BUILD)/bin scripts/demo

install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	@for s in $(SCRIPTS); do [ "$$s" = demo ] || install -m 755 scripts/$$s $(DESTDIR)$(BINDIR); done
	install -m 644 man/*.1 $(DESTDIR)$(MANPREFIX)/man1

uninstall:
	@for f in $(CMDS) $(SCRIPTS); do rm -f $(DESTDIR)$(BINDIR)/$$f; done
	@for m in man/*.1; do rm -f $(DESTDIR)$(MANPREFIX)/man1/$${m#man/}; done

clean:
	rm -rf build build-san

# The LD_PRELOAD shim of tests/serial-uart.bats (a pty with a UART's modem-control ioctls).
all: $(BUILD)/tools/fk_uartshim.so
$(BUILD)/tools/fk_uartshim.so: tests/tools/shim/fk_uartshim.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=c11 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl
