# Build fragment for distribution packaging (included by the top-level
# Makefile.am): the systemd unit, and in the tarball the RPM spec (so that
# "rpmbuild -ta" works) and the /etc/ike.conf that packages install.
EXTRA_DIST += ikedaemon.spec etc/ike.conf.packaged

# The unit names the installed paths, so it is generated at make time, when
# $(sbindir), $(sysconfdir) and $(runstatedir) are fully expanded.
if WITH_SYSTEMD
systemdsystemunit_DATA = etc/systemd/ikedaemon.service
endif
EXTRA_DIST += etc/systemd/ikedaemon.service.in
CLEANFILES += etc/systemd/ikedaemon.service

etc/systemd/ikedaemon.service: $(srcdir)/etc/systemd/ikedaemon.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc/systemd && \
	$(SED) -e 's|@sbindir[@]|$(sbindir)|g' \
		-e 's|@sysconfdir[@]|$(sysconfdir)|g' \
		-e 's|@runstatedir[@]|$(runstatedir)|g' \
		$(srcdir)/etc/systemd/ikedaemon.service.in > $@.tmp && \
	mv -f $@.tmp $@

# distcheck installs under its own prefix: keep the unit there too, so the
# uninstall check covers it.
# (Unquoted on purpose: the shell running distcheck's configure must expand
# dc_install_base; quoted, make would later read it as an empty variable.)
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-systemdsystemunitdir=$$dc_install_base/lib/systemd/system
