# Build fragment for src/ike/sa (included by the top-level Makefile.am).
