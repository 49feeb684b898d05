# fieldkit — small pipe-friendly commands for field telemetry.
# `make deps demo` then `make check`; see README.md.

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANPREFIX ?= $(PREFIX)/share/man
DESTDIR   ?=
# /usr goes with /etc; any other prefix keeps its configuration under itself.
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
LIBDIR    ?= $(PREFIX)/lib/fieldkit
UNITDIR   ?= $(PREFIX)/lib/systemd/system
CRONDIR   ?= $(SYSCONFDIR)/cron.d
CFLAGS    ?= -O2 -g
BUILD     ?= build
SAN       ?=
# Warnings are errors in our builds; packagers and newer compilers may say WERROR=0.
WERROR    ?= 1
# Cross builds name the target's pkg-config here (see HACKING.md, "Other machines").
PKG_CONFIG ?= pkg-config

PKGS      = libserialport libmosquitto libcjson openssl
# Asked once, when a compile or link first needs them, so deps, lint and clean work without them.
PKG_CFLAGS = $(eval PKG_CFLAGS := $(call pkg_ask,--cflags))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $(call pkg_ask,--libs))$(PKG_LIBS)
pkg_ask    = $(foreach p,$(PKGS),$(if $(shell $(PKG_CONFIG) --exists $p && echo y),,\
	     $(error library $p not found by $(PKG_CONFIG): run make deps)))$(if $(PKGS),$(shell $(PKG_CONFIG) $1 $(PKGS)))
# Large files on 32-bit too: off_t, ino_t 64-bit (readdir() fails with EOVERFLOW otherwise).
FK_CFLAGS  = -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Wall -Wextra \
	     $(if $(filter 1,$(WERROR)),-Werror) -MMD -MP \
	     -Icommon -DFK_VERSION=\"$(VERSION)\" $(PKG_CFLAGS) $(SAN)
FK_LDLIBS  = -Wl,--as-needed $(PKG_LIBS) -lm

SANFLAGS   = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# UBSan's runtime linked in: as a shared library its 6 MB of zeroed data is one more region
# LeakSanitizer scans at every exit (62 -> 37 ms a process; the suite starts thousands).
SANLDFLAGS = -static-libubsan

CMDS      = $(notdir $(basename $(wildcard cmd/*.c)))
TOOLS     = $(notdir $(basename $(wildcard tests/tools/*.c)))
UNITS     = $(notdir $(basename $(wildcard tests/unit/test_*.c)))
SCRIPTS   = $(filter-out %.md %.txt %.sh %.conf %.service %.timer %.cron debian-packages,$(notdir $(wildcard scripts/*)))
UNIT_FILES = $(notdir $(wildcard scripts/*.service scripts/*.timer))
COMMON_SRC = $(wildcard common/*/*.c)
COMMON_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(COMMON_SRC))

BINS      = $(CMDS:%=$(BUILD)/bin/%)
TOOL_BINS = $(TOOLS:%=$(BUILD)/tools/%)
UNIT_BINS = $(UNITS:%=$(BUILD)/unit/%)

.PHONY: all progs deb deb-check check test test-san lint ports clean-ports bench deps demo install uninstall clean
.SUFFIXES:
.SECONDARY:

all: $(BINS) $(TOOL_BINS) $(UNIT_BINS)

# The commands alone (what a package ships), without the test tools and unit tests.
progs: $(BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(FK_CFLAGS) -c -o $@ $<

# Made anew: `ar r` into an old archive keeps the members of deleted sources.
$(BUILD)/libfk.a: $(COMMON_OBJ)
	@rm -f $@
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

# The whole suite on this build and on a sanitizer build, both in one pool of jobs (tests/run:
# most tests wait, so they run side by side); the closing lines say what failed and how long it
# all took (from the start of this make). The builds use every CPU, also without -j. The ports
# (musl, armhf) build and run their unit tests meanwhile; their lines come before the totals.
CHECK_T0 := $(if $(filter check,$(MAKECMDGOALS)),$(shell date +%s))
CHECK_J   = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(shell nproc))
check:
	@$(MAKE) --no-print-directory $(CHECK_J) all lint
	@rm -f $(BUILD)/test.counts build-san/test.counts
	@rc=0; builds=$(BUILD); \
	$(MAKE) --no-print-directory ports > $(BUILD)/ports.log 2>&1 & ports=$$!; \
	if $(MAKE) --no-print-directory $(CHECK_J) BUILD=build-san CFLAGS="-O1 -g" SAN="$(SANFLAGS)" \
	    LDFLAGS="$(LDFLAGS) $(SANLDFLAGS)" all; \
	then builds="$$builds build-san"; else rc=1; fi; \
	tests/run $$builds || rc=1; \
	wait $$ports || { rc=1; echo "make ports: failed"; }; cat $(BUILD)/ports.log; \
	FK_CHECK_T0=$(CHECK_T0) tests/total $(BUILD) build-san || rc=1; exit $$rc

test: all
	tests/run $(BUILD)

test-san: all
	tests/run $(BUILD)

lint:
	mandoc -Tlint -W warning man/*.1 man/*.5
	@if ls scripts/* >/dev/null 2>&1; then \
	  shellcheck -x $$(grep -l '^#!.*sh' scripts/* tests/run tests/total tests/bench/*.sh 2>/dev/null); fi
	shellcheck tests/lint-bats tests/lint-includes tests/ports
	tests/lint-bats --self-test
	tests/lint-bats tests/*.bats
	tests/lint-includes --self-test
	tests/lint-includes

# libfk and the unit tests built with musl, and for 32-bit ARM run under qemu-arm (tests/ports).
ports: all
	tests/ports $(BUILD)
clean: clean-ports
clean-ports:
	rm -rf build-musl build-armhf

bench: all
	@for b in tests/bench/*.sh; do echo "== $$b"; PATH="$(CURDIR)/$(BUILD)/bin:$(CURDIR)/$(BUILD)/tools:$$PATH" bash $$b || exit 1; done

# Debian packages for building, testing and the demo; idempotent, needs root (or sudo).
DEB_PKGS = $(shell sed 's/\#.*//' scripts/debian-packages)
deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	echo "deps: installing" $$missing; \
	for a in $$(printf '%s\n' $$missing | sed -n 's/.*:\([a-z0-9]*\)$$/\1/p' | sort -u); do \
	  dpkg --print-foreign-architectures | grep -qx "$$a" || $$sudo dpkg --add-architecture "$$a" || exit 1; \
	done; \
	$$sudo apt-get update -qq || echo "deps: apt-get update had errors; installing from the lists it has"; \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing
	@# npm comes with Debian's nodejs only as its own package, with NodeSource's inside nodejs.
	@command -v npm >/dev/null || { sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends npm; }
	cd tests/peers && npm ci --no-audit --no-fund --silent

demo: all
	FK_BIN=$(CURDIR)/$(BUILD)/bin scripts/demo

# Scripts, units and the cron file get the installed directories for their @...@ words.
SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'
CONF  = $(DESTDIR)$(SYSCONFDIR)/fieldkit

install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(MANPREFIX)/man1 \
	  $(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CRONDIR) $(CONF)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	@set -e; for s in $(SCRIPTS); do [ "$$s" = demo ] && continue; \
	  $(SUBST) scripts/$$s > $(DESTDIR)$(BINDIR)/$$s; chmod 755 $(DESTDIR)$(BINDIR)/$$s; done
	$(SUBST) scripts/fieldkit.sh > $(DESTDIR)$(LIBDIR)/fieldkit.sh
	@set -e; for u in $(UNIT_FILES); do $(SUBST) scripts/$$u > $(DESTDIR)$(UNITDIR)/$$u; done
	$(SUBST) scripts/meter-to-broker.cron > $(DESTDIR)$(CRONDIR)/fieldkit
	install -m 644 scripts/fieldkit.conf $(CONF)/fieldkit.conf.example
	@# a configuration in use is never replaced
	[ -e $(CONF)/fieldkit.conf ] || install -m 644 scripts/fieldkit.conf $(CONF)/fieldkit.conf
	install -m 644 man/*.1 $(DESTDIR)$(MANPREFIX)/man1
	install -m 644 man/*.5 $(DESTDIR)$(MANPREFIX)/man5

uninstall:
	@for f in $(CMDS) $(SCRIPTS); do rm -f $(DESTDIR)$(BINDIR)/$$f; done
	rm -f $(DESTDIR)$(LIBDIR)/fieldkit.sh
	-rmdir $(DESTDIR)$(LIBDIR) 2>/dev/null
	@for u in $(UNIT_FILES); do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	rm -f $(DESTDIR)$(CRONDIR)/fieldkit
	@# a configuration someone changed stays
	if cmp -s scripts/fieldkit.conf $(CONF)/fieldkit.conf; then rm -f $(CONF)/fieldkit.conf; \
	  elif [ -e $(CONF)/fieldkit.conf ]; then echo "kept $(CONF)/fieldkit.conf (changed)"; fi
	rm -f $(CONF)/fieldkit.conf.example
	-rmdir $(CONF) 2>/dev/null
	@for m in man/*.1 man/*.5; do rm -f $(DESTDIR)$(MANPREFIX)/man$${m##*.}/$${m#man/}; done

# A Debian package (debian/), built from a copy of the tree in build-deb/; README says how
# to install it. deb-check builds it, installs it, runs it, removes and purges it (CI; root).
deb:
	@# Build-Depends come from the list make deps installs: one list, kept in step here.
	@for p in $$(awk '/^Build-Depends:/{b=1; sub(/^[^:]*:/, "")} b && /^[A-Z]/ && !/^Build-Depends:/{b=0} b' \
	  debian/control | tr ',' '\n' | sed 's/(.*//; s/[[:space:]]//g' | grep -v '^debhelper-compat$$' | grep .); do \
	  grep -Eq "^$$p([[:space:]]|$$)" scripts/debian-packages || { echo "debian/control: $$p not in scripts/debian-packages"; exit 1; }; done
	rm -rf build-deb && mkdir -p build-deb/fieldkit-$(VERSION)
	git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C build-deb/fieldkit-$(VERSION)
	cd build-deb/fieldkit-$(VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error build-deb/fieldkit_*.changes
	@ls build-deb/*.deb

deb-check: deb
	tests/deb-check build-deb

clean:
	rm -rf build build-san build-deb

# The LD_PRELOAD shim of tests/serial-uart.bats (a pty with a UART's modem-control ioctls).
all: $(BUILD)/tools/fk_uartshim.so
$(BUILD)/tools/fk_uartshim.so: tests/tools/shim/fk_uartshim.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=c11 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl
