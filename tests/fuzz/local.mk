# Build fragment for tests/fuzz (included by the top-level Makefile.am).
