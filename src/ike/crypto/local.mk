# Build fragment for src/ike/crypto (included by the top-level Makefile.am).
