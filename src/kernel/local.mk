# Build fragment for src/kernel (included by the top-level Makefile.am).
