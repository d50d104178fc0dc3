# Build fragment for the systemd unit (included by the top-level Makefile.am).
# The unit names the installed paths, so it is generated at make time, when
# $(sbindir) and $(sysconfdir) are fully expanded.
if WITH_SYSTEMD
systemdsystemunit_DATA = etc/systemd/ikedaemon.service
endif
EXTRA_DIST += etc/systemd/ikedaemon.service.in
CLEANFILES += etc/systemd/ikedaemon.service

etc/systemd/ikedaemon.service: $(srcdir)/etc/systemd/ikedaemon.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc/systemd && \
	$(SED) -e 's|@sbindir[@]|$(sbindir)|g' \
		-e 's|@sysconfdir[@]|$(sysconfdir)|g' \
		$(srcdir)/etc/systemd/ikedaemon.service.in > $@.tmp && \
	mv -f $@.tmp $@

# distcheck installs under its own prefix: keep the unit there too, so the
# uninstall check covers it.
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-systemdsystemunitdir='$${dc_install_base}/lib/systemd/system'
