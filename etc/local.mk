# etc: the commented example configuration.  It is installed as
# documentation (docdir/examples/ike.conf), never over /etc/ike.conf: an
# existing configuration is the operator's, and packaging (conffiles)
# decides what goes to sysconfdir.
exampledir = $(docdir)/examples
dist_example_DATA = etc/ike.conf
