# Build fragment for src/ike/core (included by the top-level Makefile.am).
