# Build fragment for src/ike/codec (included by the top-level Makefile.am).
