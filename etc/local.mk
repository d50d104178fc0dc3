# Build fragment for etc (included by the top-level Makefile.am).
