# redress: build, deps, tests, fuzzing, benchmarks, demo and install.
# Sources are found by wildcard: plugin/*.c and responders/*.c make the
# library, plugin/main.c the binary, tests/unit/test_*.c one cmocka binary
# each, tests/fuzz/fuzz_*.c one libFuzzer harness each.

VERSION		:= 0.9.0
PREFIX		?= /usr/local
DESTDIR		?=
SYSCONFDIR	?= /etc
LOCALSTATEDIR	?= /var
MANDIR		?= $(PREFIX)/share/man
DATADIR		?= $(PREFIX)/share/redress
UNITDIR		?= /lib/systemd/system

CC		?= cc
PKGS		:= yaml-0.1 sqlite3 jansson gmime-3.0 gpgme \
		   libcurl libpsl libnftables libipset libcap libpcap openssl \
		   hiredis
WARN		:= -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wno-unused-parameter
OPT		?= -O2 -g
CFLAGS		?= $(OPT)
DEFS		:= -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE \
		   -DREDRESS_SYSCONFDIR='"$(SYSCONFDIR)"' \
		   -DREDRESS_DATADIR='"$(DATADIR)"' \
		   -DREDRESS_LOCALSTATEDIR='"$(LOCALSTATEDIR)"' \
		   -DREDRESS_VERSION='"$(VERSION)"'
PKG_CFLAGS	 = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	 = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -ldaq -ldl \
		   -lpthread -lm
ALL_CFLAGS	 = $(DEFS) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -Iplugin \
		   -Iresponders $(PKG_CFLAGS) -MMD -MP
LDFLAGS		?=

# The installed paths, substituted into the installed config, unit,
# sysusers/tmpfiles snippets and man pages (written for PREFIX=/usr):
# whatever PREFIX, SYSCONFDIR or LOCALSTATEDIR, each names where make
# install put the file. The compiled-in defaults follow the same paths:
# a change of them rebuilds (the stamps $(BUILD)/paths and subst).
DOCDIR		?= $(PREFIX)/share/doc/redress
PATH_SUBST	:= s|/usr/share/redress|$(DATADIR)|g; \
		   s|/usr/share/doc/redress|$(DOCDIR)|g; \
		   s|/etc/redress|$(SYSCONFDIR)/redress|g; \
		   s|/var/lib/redress|$(LOCALSTATEDIR)/lib/redress|g; \
		   s|/var/spool/redress|$(LOCALSTATEDIR)/spool/redress|g; \
		   s|/usr/sbin/redress|$(PREFIX)/sbin/redress|g

BUILD		?= build
LIB_SRCS	:= $(sort $(filter-out plugin/main.c, $(wildcard plugin/*.c)) \
		   $(wildcard responders/*.c))
LIB_OBJS	:= $(LIB_SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJ	:= $(BUILD)/plugin/main.o
UNIT_SRCS	:= $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRCS	:= $(sort $(wildcard tests/tools/*.c) $(wildcard bench/*.c))
TOOL_BINS	:= $(patsubst %.c,$(BUILD)/%,$(TOOL_SRCS))
FUZZ_SRCS	:= $(sort $(wildcard tests/fuzz/fuzz_*.c))

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: FORCE all deps test check check-unit check-integration test-asan asan \
	test-tsan \
	fuzz fuzz-smoke bench torture demo install uninstall clean lint man

all: $(BUILD)/redress $(TOOL_BINS)

# ---------------------------------------------------------------- deps
DEB_PKGS := build-essential pkg-config clang libclang-rt-14-dev \
	libyaml-dev libsqlite3-dev sqlite3 libjansson-dev libgmime-3.0-dev \
	libgpgme-dev libcurl4-openssl-dev libpsl-dev \
	libnftables-dev libipset-dev libdaq-dev libpcap-dev libcap-dev \
	libcmocka-dev nftables ipset iptables iproute2 iputils-ping \
	netcat-openbsd gnupg python3 python3-aiosmtpd python3-dnslib \
	tcpdump scdoc time perl procps util-linux openssl
DEB_PKGS += python3-jsonschema python3-yaml   # tests/lib/xarf_validate.py: X-ARF schemas
DEB_PKGS += openssh-server openssh-client	# 085: real sshd for lockacct
DEB_PKGS += postfix sasl2-bin libsasl2-modules   # tests: a real relay (STARTTLS, SASL AUTH)
DEB_PKGS += libhiredis-dev redis-server redis-tools exabgp bird2   # Redis input, BGP blackholes (tests)

deps:
	@missing=$$(dpkg-query -W -f='$${db:Status-Abbrev} $${Package}\n' \
	    $(DEB_PKGS) 2>/dev/null | awk '$$1 == "ii" { print $$2 }' | \
	    sort > $(BUILD).deps.ok; \
	    for p in $(DEB_PKGS); do grep -qx "$$p" $(BUILD).deps.ok || \
	    echo $$p; done); rm -f $(BUILD).deps.ok; \
	if [ -n "$$missing" ]; then \
	    echo "deps: installing" $$missing; \
	    if [ "$$(id -u)" != 0 ]; then \
		echo "deps: run 'make deps' as root (apt-get)" >&2; exit 1; fi; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    echo "postfix postfix/main_mailer_type select No configuration" | \
		debconf-set-selections; \
	    apt-get update -qq && \
	    apt-get install -y -qq --no-install-recommends $$missing \
		>/dev/null || exit 1; \
	fi

# ---------------------------------------------------------------- build
$(BUILD)/paths: FORCE
	@mkdir -p $(dir $@)
	@echo '$(DEFS)' | cmp -s - $@ || echo '$(DEFS)' > $@

$(BUILD)/subst: FORCE
	@mkdir -p $(dir $@)
	@echo '$(PATH_SUBST)' | cmp -s - $@ || echo '$(PATH_SUBST)' > $@

FORCE:

$(LIB_OBJS) $(MAIN_OBJ): $(BUILD)/paths

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libredress.a: $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/redress: $(MAIN_OBJ) $(BUILD)/libredress.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libredress.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< \
	    $(BUILD)/libredress.a $(PKG_LIBS) -lcmocka

$(BUILD)/tests/tools/%: tests/tools/%.c $(BUILD)/libredress.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libredress.a \
	    $(PKG_LIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libredress.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libredress.a \
	    $(PKG_LIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- tests
# make test: everything a user needs to trust a build. Unit tests, the
# integration tests against real components, then a short fuzz run.
test: deps
	$(MAKE) all $(UNIT_BINS)
	$(MAKE) check-unit
	$(MAKE) check-integration
	$(MAKE) fuzz-smoke
	$(MAKE) test-tsan
	@echo "make test: all suites passed"

check: test

check-unit: $(UNIT_BINS)
	@tests/lib/run_unit.sh $(UNIT_BINS)

check-integration: $(BUILD)/redress $(TOOL_BINS)
	@REDRESS=$(abspath $(BUILD)/redress) BUILD=$(abspath $(BUILD)) \
	    tests/lib/run_integration.sh

# ThreadSanitizer build: the read-ahead thread's unit test, and the policy
# test, whose replay on two threads must print what one thread prints.
TSAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
test-tsan: deps
	$(MAKE) BUILD=build-tsan CC=clang OPT="$(TSAN_FLAGS)" \
	    LDFLAGS="-fsanitize=thread" all build-tsan/tests/test_input_ahead
	TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_input_ahead
	TSAN_OPTIONS=halt_on_error=1 REDRESS=$(abspath build-tsan/redress) \
	    BUILD=$(abspath build-tsan) \
	    SHARED="$${SHARED:-$(abspath ..)/shared}" \
	    sh tests/integration/030_policy.sh

# ASan + UBSan build of everything, then the same suites.
test-asan asan: deps
	$(MAKE) BUILD=build-asan CC=clang \
	    OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined" \
	    all build-asan-unit
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    $(MAKE) BUILD=build-asan CC=clang \
	    OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined" check-unit check-integration

build-asan-unit: $(UNIT_BINS)

# libFuzzer harnesses (clang), built against an ASan+UBSan library.
FUZZ_BUILD := build-fuzz
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined
fuzz-build: deps
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang OPT="$(FUZZ_FLAGS)" \
	    $(FUZZ_BUILD)/libredress.a
	@for f in $(FUZZ_SRCS); do \
	    b=$(FUZZ_BUILD)/fuzz/$$(basename $$f .c); mkdir -p $$(dirname $$b); \
	    echo "  FUZZ    $$f"; \
	    clang $(DEFS) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined \
		-Iplugin -Iresponders $(PKG_CFLAGS) -o $$b $$f \
		$(FUZZ_BUILD)/libredress.a $(PKG_LIBS) || exit 1; \
	done

fuzz-smoke: fuzz-build
	@tests/lib/run_fuzz.sh $(FUZZ_BUILD)/fuzz 10

fuzz: fuzz-build
	@tests/lib/run_fuzz.sh $(FUZZ_BUILD)/fuzz $${FUZZ_SECONDS:-300}

# ---------------------------------------------------------------- bench
bench: deps all
	@bench/run.sh $(abspath $(BUILD))

# make torture: the kill -9 test at full size, 100 kills while the daemon
# follows 100,000 events written at 1,000 lines/s; prints its figures.
torture: all
	@CRASH_EVENTS=$${CRASH_EVENTS:-100000} CRASH_KILLS=$${CRASH_KILLS:-100} \
	    REDRESS=$(abspath $(BUILD)/redress) BUILD=$(abspath $(BUILD)) \
	    sh tests/integration/090_crash.sh

# ---------------------------------------------------------------- demo
demo: deps all
	@demo/run.sh $(abspath $(BUILD)/redress)

# ---------------------------------------------------------------- lint
lint:
	@! grep -nE '\b(sprintf|strcpy|strcat|strtok|gets|system|popen|atoi)\(' \
	    plugin/*.c responders/*.c | grep -v 'lint: ok' || \
	    { echo "lint: banned call above"; exit 1; }

# ---------------------------------------------------------------- man
# Man pages are scdoc(5) sources in docs/*.scd (Debian package scdoc).
MAN_SRCS := $(wildcard docs/*.scd)
MAN_PAGES := $(MAN_SRCS:docs/%.scd=$(BUILD)/man/%)
$(BUILD)/man/%: docs/%.scd $(BUILD)/subst
	@mkdir -p $(dir $@)
	$(Q)sed '$(PATH_SUBST)' $< | scdoc > $@
man: $(MAN_PAGES)

# ---------------------------------------------------------------- install
# make install [PREFIX=/usr] [DESTDIR=...]: the binary, examples, templates,
# man pages, docs, and the systemd unit, sysusers and tmpfiles snippets.
# Config, unit and snippets are installed with PATH_SUBST applied, so
# they name the installed paths. An existing /etc/redress file is never
# overwritten; make uninstall removes only /etc/redress files still
# identical to the shipped ones.
SYSUSERSDIR	?= /usr/lib/sysusers.d
TMPFILESDIR	?= /usr/lib/tmpfiles.d
ETC_FILES	:= $(filter-out config/rdap-bootstrap,$(wildcard config/*))
DOC_FILES	:= $(wildcard docs/*.md)
DIST_FILES	:= $(ETC_FILES:config/%=$(BUILD)/dist/etc/%) \
		   $(BUILD)/dist/redress.service $(BUILD)/dist/redress.sysusers \
		   $(BUILD)/dist/redress.tmpfiles

$(BUILD)/dist/etc/%: config/% $(BUILD)/subst
	@mkdir -p $(dir $@)
	$(Q)sed '$(PATH_SUBST)' $< > $@

$(BUILD)/dist/%: dist/% $(BUILD)/subst
	@mkdir -p $(dir $@)
	$(Q)sed '$(PATH_SUBST)' $< > $@

install: $(BUILD)/redress man $(DIST_FILES)
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(DATADIR)/templates \
	    $(DESTDIR)$(DATADIR)/config $(DESTDIR)$(SYSCONFDIR)/redress \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 $(BUILD)/redress $(DESTDIR)$(PREFIX)/sbin/redress
	install -m 0644 templates/* $(DESTDIR)$(DATADIR)/templates/
	install -m 0644 $(BUILD)/dist/etc/* $(DESTDIR)$(DATADIR)/config/
	@for f in $(BUILD)/dist/etc/*; do \
	    t=$(DESTDIR)$(SYSCONFDIR)/redress/$$(basename $$f); \
	    if [ -e "$$t" ]; then echo "install: keeping existing $$t"; \
	    else install -m 0640 $$f $$t; fi; done
	install -d $(DESTDIR)$(SYSCONFDIR)/redress/rdap-bootstrap
	@for f in config/rdap-bootstrap/*.json; do \
	    t=$(DESTDIR)$(SYSCONFDIR)/redress/rdap-bootstrap/$$(basename $$f); \
	    if [ -e "$$t" ]; then echo "install: keeping existing $$t"; \
	    else install -m 0644 $$f $$t; fi; done
	@for p in $(MAN_PAGES); do s=$${p##*.}; \
	    install -m 0644 $$p $(DESTDIR)$(MANDIR)/man$$s/; done
	@for f in $(DOC_FILES); do install -m 0644 $$f $(DESTDIR)$(DOCDIR)/; done
	install -m 0644 $(BUILD)/dist/redress.service \
	    $(DESTDIR)$(UNITDIR)/redress.service
	install -m 0644 $(BUILD)/dist/redress.sysusers \
	    $(DESTDIR)$(SYSUSERSDIR)/redress.conf
	install -m 0644 $(BUILD)/dist/redress.tmpfiles \
	    $(DESTDIR)$(TMPFILESDIR)/redress.conf
	@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null 2>&1 && \
	    [ -d /run/systemd/system ]; then systemctl daemon-reload; \
	    echo "install: systemd-sysusers; systemd-tmpfiles --create; systemctl enable --now redress"; fi

uninstall: $(DIST_FILES)
	@for f in $(BUILD)/dist/etc/*; do \
	    t=$(DESTDIR)$(SYSCONFDIR)/redress/$$(basename $$f); \
	    if [ -f "$$t" ] && cmp -s "$$f" "$$t"; then rm -f "$$t"; \
	    elif [ -e "$$t" ]; then echo "uninstall: keeping changed $$t"; fi; done
	@for f in config/rdap-bootstrap/*.json; do \
	    t=$(DESTDIR)$(SYSCONFDIR)/redress/rdap-bootstrap/$$(basename $$f); \
	    if [ -f "$$t" ] && cmp -s "$$f" "$$t"; then rm -f "$$t"; fi; done
	-@rmdir $(DESTDIR)$(SYSCONFDIR)/redress/rdap-bootstrap \
	    $(DESTDIR)$(SYSCONFDIR)/redress 2>/dev/null || \
	    echo "uninstall: $(DESTDIR)$(SYSCONFDIR)/redress kept (files you changed or added)"
	rm -f $(DESTDIR)$(PREFIX)/sbin/redress \
	    $(DESTDIR)$(UNITDIR)/redress.service \
	    $(DESTDIR)$(SYSUSERSDIR)/redress.conf \
	    $(DESTDIR)$(TMPFILESDIR)/redress.conf
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)
	@for s in $(MAN_SRCS); do p=$$(basename $$s .scd); \
	    rm -f $(DESTDIR)$(MANDIR)/man$${p##*.}/$$p; done

clean:
	rm -rf build build-asan build-fuzz build-tsan
